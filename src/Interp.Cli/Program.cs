// The C allocator can only be chosen as a process starts: with tcmalloc installed, the tool runs itself again preloading it.
return Interp.CommandLine.AllocatorPreload.RunPreloaded(args, () => Interp.Cli.InterpCommand.Run(args, Console.Out, Console.Error));
