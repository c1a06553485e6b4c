return Interp.Scan.ScanCommand.Run(args, Console.Out, Console.Error);
