using System.Globalization;
using Interp.Clip.Toy;
using Interp.Runtime;
using static TorchSharp.torch;

// Trains the toy CLIP of notebook 04 and writes its weights:
//   dotnet run -c Release --project src/Interp.Train -- toy-clip --out data/toyclip/toy-clip.bin [--steps 900] [--threads 2] [--checkpoint path] [--record path]
// A run resumes from its checkpoint (default: ~/.cache/interp-notebooks/toyclip/<name>-<steps>x<batch>.checkpoint); delete it to start over.
// It writes its record (settings, CPU, threads, losses, time, zero-shot accuracy, the weights' SHA-256) to --record
// (default: training.json beside the weights), which notebook 04 and the tests read.
if (args.Length == 0 || args[0] != "toy-clip")
{
    Console.Error.WriteLine("usage: toy-clip --out <weights file> [--steps N] [--batch N] [--threads N] [--checkpoint <path>] [--record <path>]");
    return 2;
}
string Option(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
var output = Option("--out", "");
if (output.Length == 0) { Console.Error.WriteLine("--out <weights file> is required."); return 2; }
TorchRuntime.EnsureLoaded();
int threads = int.Parse(Option("--threads", "2"), CultureInfo.InvariantCulture);
set_num_threads(threads);
var settings = new ToyTrainingSettings(Steps: int.Parse(Option("--steps", "900"), CultureInfo.InvariantCulture),
    BatchSize: int.Parse(Option("--batch", "256"), CultureInfo.InvariantCulture));
// The checkpoint (three files) goes to the cache, not beside the weights (which may be inside the repository).
var checkpoint = Option("--checkpoint", Path.Combine(TorchRuntime.CacheRoot, "toyclip", $"{Path.GetFileNameWithoutExtension(output)}-{settings.Steps}x{settings.BatchSize}.checkpoint"));
Console.WriteLine($"{CpuInfo.Current.Summary}; {threads} threads; {settings}");
var recordPath = Option("--record", Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, "training.json"));
using var model = new ToyClipModel(settings.InitSeed);
Console.WriteLine($"{model.parameters().Sum(p => p.numel()):N0} parameters");
var watch = System.Diagnostics.Stopwatch.StartNew();
var history = ToyClipTraining.Train(model, settings, checkpoint, new SynchronousProgress(s => { if (s.Step % 25 == 0 || s.Step == settings.Steps - 1) Console.WriteLine($"step {s.Step,4}: loss {s.Loss:F4}  ({s.Seconds:F0} s)"); }));
watch.Stop();
var zeroShot = ToyClipEvaluation.ZeroShot(model);
Console.WriteLine($"zero-shot on held-out pictures: drawings {zeroShot.Drawings:P1}, words {zeroShot.Words:P1} ({zeroShot.PerKind} each)");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
model.save(output);
Console.WriteLine($"wrote {output} ({new FileInfo(output).Length / 1024} KiB); final loss {history[^1].Loss:F4}");
// The history holds every step (a resumed run reads the earlier ones from its checkpoint); Seconds is this run's training time.
var record = new
{
    Settings = settings,
    Cpu = CpuInfo.Current.Summary,
    Threads = threads,
    FirstLosses = history.Take(10).Select(h => (double)h.Loss).ToArray(),
    FinalLoss = (double)history[^1].Loss,
    Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(output))),
    ZeroShotDrawings = zeroShot.Drawings,
    ZeroShotWords = zeroShot.Words,
    Seconds = Math.Round(watch.Elapsed.TotalSeconds, 1),
    LossEvery25Steps = history.Where(h => h.Step % 25 == 0 || h.Step == settings.Steps - 1).Select(h => (double)h.Loss).ToArray(),
};
File.WriteAllText(recordPath, System.Text.Json.JsonSerializer.Serialize(record, new System.Text.Json.JsonSerializerOptions { WriteIndented = true, IndentSize = 1 }));
Console.WriteLine($"wrote {recordPath}");
return 0;

sealed class SynchronousProgress(Action<ToyTrainingStep> report) : IProgress<ToyTrainingStep>
{
    public void Report(ToyTrainingStep value) => report(value);
}
