using System.CommandLine;
using System.Text.Json;
using Interp.CommandLine;
using Spectre.Console;
using Interp.Runtime;
using Interp.Clip;
using Interp.Models.ToyClip;
using Interp.Training;
using Interp.Datasets;
using Interp.Dynamics;
using Interp.Dictionary;
using Interp.Zoo;
using static TorchSharp.torch;

namespace Interp.Cli.Verbs;

/// <summary><c>interp train</c>: the models the project trains itself, one sub-verb each.</summary>
static class TrainVerb
{
    public static Command Build() => new("train", "Train the project's own models on the toy world (deterministic, resumable).") { ToyClip(), Sae() };

    /// <summary>What every training sub-verb does first: its console, the output's full path, libtorch loaded at the thread count asked for.</summary>
    static (IAnsiConsole Console, string OutPath, int Threads) Start(ParseResult parsed, Option<FileInfo> output, Option<int> threads)
    {
        TorchRuntime.EnsureLoaded();
        int threadCount = parsed.GetValue(threads);
        set_num_threads(threadCount);
        return (CommandLineHost.ConsoleFor(parsed.InvocationConfiguration.Output), parsed.GetValue(output)!.FullName, threadCount);
    }

    /// <summary>
    /// The toy CLIP of notebook 04. A run resumes from its checkpoint (default in the cache: delete it to start over) and
    /// writes the weights and its record (settings, CPU, threads, losses, time, zero-shot accuracy, the weights' SHA-256).
    /// </summary>
    static Command ToyClip()
    {
        var output = new Option<FileInfo>("--out") { Description = "The weights file to write, e.g. data/toyclip/toy-clip.bin.", Required = true };
        var tower = Options.Choice("--tower", "The image tower: cnn (notebook 04's), vit or convnext; default cnn.", "cnn",
            [.. Enum.GetNames<ToyTower>().Select(n => n.ToLowerInvariant())]);
        var steps = Options.OptionalInteger("--steps", "Optimization steps; default the tower's recipe (900 for the CNN, 720 for the ViT, 840 for the ConvNeXt).");
        var batch = Options.Integer("--batch", "Examples per step; default 256.", 256);
        var threads = Options.Threads(2);
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "Where the run keeps its checkpoint (default: the cache, ~/.cache/interp-notebooks/toyclip)." };
        var record = new Option<FileInfo>("--record") { Description = "Where to write the run's record (default: training.json beside the weights)." };
        var seed = Options.Integer("--seed", "The initialization's seed (the data order stays the recipe's); default 0, the shipped models'.", 0, minimum: 0);
        var snapshots = new Option<DirectoryInfo>("--checkpoints")
        {
            Description = "Keep snapshots of the weights in this folder (dense early, then every --every steps), then measure each (notebook 07's " +
                          "training dynamics) into measures.json there.",
        };
        var early = Options.Integer("--early", "With --checkpoints: log-spaced snapshots from step 1 to --every; default 8.", 8, minimum: 0);
        var every = Options.Integer("--every", "With --checkpoints: a snapshot every this many steps after the early ones; default 50.", 50);
        var command = new Command("toy-clip", "Train a toy CLIP (notebook 04's, or another image tower) and write its weights and training record.")
            { output, tower, steps, batch, threads, checkpoint, record, seed, snapshots, early, every };
        command.SetAction(parsed =>
        {
            var (console, outPath, threadCount) = Start(parsed, output, threads);
            var settings = ToyTrainingSettings.For(Enum.Parse<ToyTower>(parsed.GetValue(tower)!, ignoreCase: true)) with
            {
                BatchSize = parsed.GetValue(batch),
                InitSeed = parsed.GetValue(seed),
            };
            if (parsed.GetValue(steps) is { } asked) settings = settings with { Steps = asked };
            // The checkpoint (three files) goes to the cache, not beside the weights (which may be inside the repository).
            var checkpointPath = parsed.GetValue(checkpoint)?.FullName ?? Path.Combine(InterpPaths.CacheRoot, "toyclip",
                $"{Path.GetFileNameWithoutExtension(outPath)}{(settings.InitSeed == 0 ? "" : $"-seed{settings.InitSeed}")}-{settings.Steps}x{settings.BatchSize}.checkpoint");
            var trajectoryFolder = parsed.GetValue(snapshots)?.FullName;
            var writer = trajectoryFolder is null ? null
                : new TrajectoryWriter(trajectoryFolder, CheckpointSchedule.LogThenEvery(settings.Steps, parsed.GetValue(early), parsed.GetValue(every)));
            var recordPath = parsed.GetValue(record)?.FullName ?? Path.Combine(Path.GetDirectoryName(outPath)!, "training.json");
            console.WriteLine($"{CpuInfo.Current.Summary}; {threadCount} threads; {settings}");
            using var model = new ToyClipModel(settings.InitSeed, settings.Tower);
            console.WriteLine($"{model.parameters().Sum(p => p.numel()):N0} parameters");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var history = ProgressDisplay.Run(console, $"toy CLIP ({settings.Tower})", settings.Steps, progress =>
                ToyClipTraining.Train(model, settings, checkpointPath, new Reporter<ToyTrainingStep>(s => progress.Report((s.Step + 1, $"loss {s.Loss:F4}"))),
                    snapshots: writer));
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
            if (writer is not null)
            {
                console.WriteLine($"{writer.Schedule.Steps.Count} snapshots in {writer.Folder}; measuring each");
                TrajectoryVerb.MeasureAndSave(console, Trajectory.Open(writer.Folder, settings), threadCount, run.Seconds);
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// A sparse autoencoder over a zoo model's layer (notebook 05's shipped dictionaries). Writes the dictionary, its weights and
    /// its training record (recipe, scale, CPU, threads, losses, time, quality, the weights' SHA-256).
    /// </summary>
    static Command Sae()
    {
        var output = new Option<FileInfo>("--out")
        {
            Description = "The dictionary to write (its weights go to <out>.weights, its record to <out>.training.json).", Required = true,
        };
        var model = new Option<string>("--model") { Description = "The zoo model, e.g. toy-clip or resnet18.", Required = true };
        var layer = new Option<string>("--layer") { Description = "The layer, e.g. visual.stage4 or layer2.", Required = true };
        var features = Options.RequiredInteger("--features", "Features in the dictionary, e.g. 512 for 4x a 128-wide layer.");
        var kind = Options.Choice("--kind", "topk (default) or relu-l1.", "topk", "topk", "relu-l1");
        var k = Options.Integer("--k", "Active features per vector for topk; default 8.", 8);
        var l1 = new Option<double>("--l1") { Description = "L1 coefficient for relu-l1; default 1e-3.", DefaultValueFactory = _ => 1e-3 };
        var steps = Options.Integer("--steps", "Optimization steps of 256 vectors; default 4000.", 4000);
        var seed = Options.Integer("--seed", "The autoencoder's seed; default 1.", 1, minimum: 0);
        var images = Options.Choice("--images", "The image set: toy-world or photo-crops; default auto (toy-world for toy models, else photo-crops).", "auto",
            ["auto", .. DictionaryRecipe.ImageSets]);
        var count = Options.Integer("--count", "Toy-world pictures; default 8192.", 8192);
        var threads = Options.Threads(2);
        var command = new Command("sae", "Train a sparse autoencoder over a model's layer and write it with its training record.")
            { output, model, layer, features, kind, k, l1, steps, seed, images, count, threads };
        command.SetAction(parsed =>
        {
            var (console, outPath, threadCount) = Start(parsed, output, threads);
            using var hooked = ModelZoo.Load(parsed.GetValue(model)!);
            string layerName = parsed.GetValue(layer)!;
            string imageSet = parsed.GetValue(images) is { } chosen && chosen != "auto" ? chosen
                : hooked.Name.StartsWith("toy", StringComparison.Ordinal) ? "toy-world" : "photo-crops";
            int width = (int)(hooked.Layer(layerName).Channels ?? throw new ArgumentException($"'{layerName}' has no channels."));
            var settings = new SaeSettings(Width: width, Features: parsed.GetValue(features), Kind: parsed.GetValue(kind) == "topk" ? SaeKind.TopK : SaeKind.ReluL1,
                K: parsed.GetValue(k), L1: parsed.GetValue(l1), Steps: parsed.GetValue(steps), Seed: parsed.GetValue(seed));
            foreach (var note in settings.Notes) console.WriteLine(note);
            var recipe = new DictionaryRecipe(hooked.Name, layerName, imageSet, parsed.GetValue(count), ImagesPerBuffer: 64, StreamSeed: 0, settings);
            using var stream = recipe.Stream(hooked);
            console.WriteLine($"{CpuInfo.Current.Summary}; {threadCount} threads; {stream.Name}; scale {stream.Scale:G6}; {settings}");
            using var sae = new SparseAutoencoder(settings);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var history = ProgressDisplay.Run(console, "sparse autoencoder", settings.Steps, progress =>
                SaeTraining.Train(sae, stream, progress: new Reporter<SaeStep>(s => progress.Report((s.Step + 1, $"loss {s.Loss:F3}, L0 {s.L0:F1}, dead {s.Dead}")))));
            watch.Stop();
            var info = new DictionaryInfo(hooked.Name, layerName, stream.Scale, settings, stream.Name);
            // Quality on held-out pictures where the set has them (the toy world's held-out seed), else on the training set.
            SaeEvaluation quality;
            string evaluatedOn;
            if (imageSet == "toy-world")
            {
                var held = new ToyWorldImages(2000);
                using var heldStream = new LayerActivations(hooked, layerName, held, imagesPerBuffer: 64, seed: 0, scale: stream.Scale);
                quality = SaeEvaluation.Measure(sae, heldStream, 0, 32000);
                evaluatedOn = $"{heldStream.Name}, 32000 vectors";
            }
            else
            {
                quality = SaeEvaluation.Measure(sae, stream, 1L << 40, 32000);
                evaluatedOn = $"{stream.Name} (the training images), 32000 vectors";
            }
            DictionaryFile.Save(outPath, sae, info);
            var record = new DictionaryRecord(recipe, stream.Scale, CpuInfo.Current.Summary, threadCount, Math.Round(watch.Elapsed.TotalSeconds, 1),
                [.. history.Take(10).Select(h => h.Loss)], [.. history.Where(h => h.Step % 50 == 0 || h.Step == settings.Steps - 1).Select(h => Math.Round(h.Loss, 5))],
                history[^1].Loss, evaluatedOn, Math.Round(quality.Fvu, 5), Math.Round(quality.L0, 3), quality.Dead, quality.Dense,
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(outPath + ".weights"))));
            record.Save(outPath);
            console.WriteLine($"wrote {outPath} (+ .weights, {new FileInfo(outPath + ".weights").Length / 1024} KiB, + .training.json); FVU {quality.Fvu:F3}, " +
                              $"L0 {quality.L0:F1}, dead {quality.Dead}, dense {quality.Dense} on {evaluatedOn}; {watch.Elapsed.TotalSeconds:F0} s");
            return 0;
        });
        return command;
    }
}
