using System.CommandLine;
using System.Text.Json;
using Interp.CommandLine;
using Spectre.Console;
using Interp.Runtime;
using Interp.Clip;
using Interp.Models.ToyClip;
using Interp.Training;
using static TorchSharp.torch;

namespace Interp.Cli.Verbs;

/// <summary><c>interp train</c>: the models the project trains itself, one sub-verb each.</summary>
static class TrainVerb
{
    public static Command Build() => new("train", "Train the project's own models on the toy world (deterministic, resumable).") { ToyClip() };

    /// <summary>
    /// The toy CLIP of notebook 04. A run resumes from its checkpoint (default in the cache: delete it to start over) and
    /// writes the weights and its record (settings, CPU, threads, losses, time, zero-shot accuracy, the weights' SHA-256).
    /// </summary>
    static Command ToyClip()
    {
        var output = new Option<FileInfo>("--out") { Description = "The weights file to write, e.g. data/toyclip/toy-clip.bin.", Required = true };
        var steps = Options.Integer("--steps", "Optimization steps; default 900.", 900);
        var batch = Options.Integer("--batch", "Examples per step; default 256.", 256);
        var threads = Options.Threads(2);
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "Where the run keeps its checkpoint (default: the cache, ~/.cache/interp-notebooks/toyclip)." };
        var record = new Option<FileInfo>("--record") { Description = "Where to write the run's record (default: training.json beside the weights)." };
        var command = new Command("toy-clip", "Train the toy CLIP of notebook 04 and write its weights and training record.") { output, steps, batch, threads, checkpoint, record };
        command.SetAction(parsed =>
        {
            var console = CommandLineHost.ConsoleFor(parsed.InvocationConfiguration.Output);
            var outPath = parsed.GetValue(output)!.FullName;
            TorchRuntime.EnsureLoaded();
            int threadCount = parsed.GetValue(threads);
            set_num_threads(threadCount);
            var settings = new ToyTrainingSettings(Steps: parsed.GetValue(steps), BatchSize: parsed.GetValue(batch));
            // The checkpoint (three files) goes to the cache, not beside the weights (which may be inside the repository).
            var checkpointPath = parsed.GetValue(checkpoint)?.FullName
                ?? Path.Combine(InterpPaths.CacheRoot, "toyclip", $"{Path.GetFileNameWithoutExtension(outPath)}-{settings.Steps}x{settings.BatchSize}.checkpoint");
            var recordPath = parsed.GetValue(record)?.FullName ?? Path.Combine(Path.GetDirectoryName(outPath)!, "training.json");
            console.WriteLine($"{CpuInfo.Current.Summary}; {threadCount} threads; {settings}");
            using var model = new ToyClipModel(settings.InitSeed);
            console.WriteLine($"{model.parameters().Sum(p => p.numel()):N0} parameters");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var history = ProgressDisplay.Run(console, "toy CLIP", settings.Steps, progress =>
                ToyClipTraining.Train(model, settings, checkpointPath, new Reporter<ToyTrainingStep>(s => progress.Report((s.Step + 1, $"loss {s.Loss:F4}")))));
            watch.Stop();
            var zeroShot = ToyClipEvaluation.ZeroShot(model);
            console.WriteLine($"zero-shot on held-out pictures: drawings {zeroShot.Drawings:P1}, words {zeroShot.Words:P1} ({zeroShot.PerKind} each)");
            Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
            model.save(outPath);
            console.WriteLine($"wrote {outPath} ({new FileInfo(outPath).Length / 1024} KiB); final loss {history[^1].Loss:F4}");
            // The history holds every step (a resumed run reads the earlier ones from its checkpoint); Seconds is this run's training time.
            var run = new
            {
                Settings = settings,
                Cpu = CpuInfo.Current.Summary,
                Threads = threadCount,
                FirstLosses = history.Take(10).Select(h => (double)h.Loss).ToArray(),
                FinalLoss = (double)history[^1].Loss,
                Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(outPath))),
                ZeroShotDrawings = zeroShot.Drawings,
                ZeroShotWords = zeroShot.Words,
                Seconds = Math.Round(watch.Elapsed.TotalSeconds, 1),
                LossEvery25Steps = history.Where(h => h.Step % 25 == 0 || h.Step == settings.Steps - 1).Select(h => (double)h.Loss).ToArray(),
            };
            File.WriteAllText(recordPath, JsonSerializer.Serialize(run, new JsonSerializerOptions { WriteIndented = true, IndentSize = 1 }));
            console.WriteLine($"wrote {recordPath}");
            return 0;
        });
        return command;
    }
}
