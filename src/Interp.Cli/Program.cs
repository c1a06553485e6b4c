return Interp.Cli.InterpCommand.Run(args, Console.Out, Console.Error);
