// Each notebook runs in a process of its own, started with the C allocator the library prefers (Interp.CommandLine.AllocatorPreload).
return Interp.CommandLine.CommandLineHost.Run(Interp.Runner.RunnerCommand.Build(), "Interp.Runner", args, Console.Out, Console.Error);
