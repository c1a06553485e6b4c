using System.CommandLine;
using Interp.Cli.Verbs;
using Interp.CommandLine;

namespace Interp.Cli;

/// <summary>The <c>interp</c> command: one verb per kind of long work, each with <c>--help</c>.</summary>
public static class InterpCommand
{
    /// <summary>The command tree.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Interp.Notebooks from the command line: long work that notebooks read the results of, sharded for a cluster where it is large.");
        root.Subcommands.Add(ScanVerb.Build());
        root.Subcommands.Add(MergeVerb.Build());
        root.Subcommands.Add(TrainVerb.Build());
        root.Subcommands.Add(TrajectoryVerb.Build());
        root.Subcommands.Add(BenchVerb.Build());
        root.Subcommands.Add(EnvVerb.Build());
        root.Subcommands.Add(MicroscopeVerb.Build());
        return root;
    }

    /// <summary>Runs the command; returns the exit code (0 done, 1 the work failed, 2 bad arguments).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        return CommandLineHost.Run(Build(), "interp", args, output, error);
    }
}
