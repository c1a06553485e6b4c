using System.CommandLine;
using Interp.CommandLine;
using Interp.Dynamics;
using Interp.Runtime;
using Spectre.Console;
using static TorchSharp.torch;

namespace Interp.Cli.Verbs;

/// <summary><c>interp trajectory</c>: measuring a training run's snapshots (notebook 07) and making compact copies to ship.</summary>
static class TrajectoryVerb
{
    public static Command Build() => new("trajectory", "Measure a training run's snapshots, or copy some of them compactly (float16) to ship.") { Measure(), Compact() };

    static Argument<DirectoryInfo> FolderArgument() => new("folder") { Description = "A trajectory folder (interp train toy-clip --checkpoints writes one)." };

    /// <summary>Measures every intact snapshot and writes <c>measures.json</c> into the trajectory's folder; returns the record.</summary>
    internal static TrajectoryRecord MeasureAndSave(IAnsiConsole console, Trajectory trajectory, int threads, double? trainingSeconds)
    {
        foreach (var problem in trajectory.Problems) console.WriteLine($"skipped step {problem.Step} ({problem.File}): {problem.Problem}");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var measures = ProgressDisplay.Run(console, "measures per checkpoint", trajectory.Steps.Count, progress =>
        {
            int done = 0;
            return TrajectoryMeasures.Measure(trajectory, progress: new Reporter<CheckpointMeasure>(m => progress.Report((++done,
                $"step {m.Step}: drawings {m.DrawingAccuracy:P0}, words {m.WordAccuracy:P0}, multimodal {m.MultimodalUnits}"))));
        });
        var record = new TrajectoryRecord(trajectory.Settings, trajectory.Manifest.Schedule, CpuInfo.Current.Summary, threads, trainingSeconds,
            Math.Round(watch.Elapsed.TotalSeconds, 1), DynamicsProbes.For(trajectory.Settings.Tower),
            [.. trajectory.Manifest.Snapshots.Where(s => trajectory.Steps.Contains(s.Step))], measures);
        var path = Path.Combine(trajectory.Folder, TrajectoryRecord.FileName);
        record.Save(path);
        var last = measures[^1];
        console.WriteLine($"wrote {path}: {measures.Count} checkpoints in {record.MeasureSeconds:F0} s; last (step {last.Step}): drawings {last.DrawingAccuracy:P1}, " +
                          $"words {last.WordAccuracy:P1}, colours {last.ColourAccuracy:P1}, {last.MultimodalUnits} multimodal units");
        return record;
    }

    static Command Measure()
    {
        var folder = FolderArgument();
        var threads = Options.Threads(2);
        var command = new Command("measure", "Measure every snapshot of a trajectory (loss, zero-shot, multimodal units, attack, curve units, filter spectrum, " +
                                             "tuning distance) and write measures.json into its folder.") { folder, threads };
        command.SetAction(parsed =>
        {
            TorchRuntime.EnsureLoaded();
            int threadCount = parsed.GetValue(threads);
            set_num_threads(threadCount);
            var console = CommandLineHost.ConsoleFor(parsed.InvocationConfiguration.Output);
            var trajectory = Trajectory.Open(parsed.GetValue(folder)!.FullName);
            console.WriteLine($"{CpuInfo.Current.Summary}; {threadCount} threads; {trajectory.Settings}; {trajectory.Steps.Count} snapshots");
            MeasureAndSave(console, trajectory, threadCount, trainingSeconds: null);
            return 0;
        });
        return command;
    }

    static Command Compact()
    {
        var folder = FolderArgument();
        var output = new Option<DirectoryInfo>("--out") { Description = "The folder to write the float16 copies and their manifest into.", Required = true };
        var steps = Options.IntegerList("--steps", "The steps to copy, e.g. 0,50,900.", [0], minimum: 0);
        steps.Required = true;
        var command = new Command("compact", "Copy some snapshots of a trajectory in float16 (half the size, within rounding) with their own manifest, e.g. to ship.")
            { folder, output, steps };
        command.SetAction(parsed =>
        {
            TorchRuntime.EnsureLoaded();
            var console = CommandLineHost.ConsoleFor(parsed.InvocationConfiguration.Output);
            var trajectory = Trajectory.Open(parsed.GetValue(folder)!.FullName);
            var compact = trajectory.WriteCompact(parsed.GetValue(output)!.FullName, parsed.GetValue(steps)!);
            long bytes = compact.Manifest.Snapshots.Sum(s => new FileInfo(Path.Combine(compact.Folder, s.File)).Length);
            console.WriteLine($"wrote {compact.Steps.Count} float16 snapshots ({bytes / 1024} KiB) and their manifest to {compact.Folder}");
            return 0;
        });
        return command;
    }
}
