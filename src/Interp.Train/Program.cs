using System.Globalization;
using Interp.Clip.Toy;
using Interp.Runtime;
using static TorchSharp.torch;

// Trains the toy CLIP of notebook 04 and writes its weights:
//   dotnet run -c Release --project src/Interp.Train -- toy-clip --out data/toyclip/toy-clip.bin [--steps 900] [--threads 2] [--checkpoint path]
// A run resumes from its checkpoint (default: ~/.cache/interp-notebooks/toyclip/<name>-<steps>x<batch>.checkpoint); delete it to start over.
if (args.Length == 0 || args[0] != "toy-clip")
{
    Console.Error.WriteLine("usage: toy-clip --out <weights file> [--steps N] [--batch N] [--threads N] [--checkpoint <path>]");
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
using var model = new ToyClipModel(settings.InitSeed);
Console.WriteLine($"{model.parameters().Sum(p => p.numel()):N0} parameters");
var history = ToyClipTraining.Train(model, settings, checkpoint, new SynchronousProgress(s => { if (s.Step % 25 == 0 || s.Step == settings.Steps - 1) Console.WriteLine($"step {s.Step,4}: loss {s.Loss:F4}  ({s.Seconds:F0} s)"); }));
var zeroShot = ToyClipEvaluation.ZeroShot(model);
Console.WriteLine($"zero-shot on held-out pictures: drawings {zeroShot.Drawings:P1}, words {zeroShot.Words:P1} ({zeroShot.PerKind} each)");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
model.save(output);
Console.WriteLine($"wrote {output} ({new FileInfo(output).Length / 1024} KiB); final loss {history[^1].Loss:F4}");
return 0;

sealed class SynchronousProgress(Action<ToyTrainingStep> report) : IProgress<ToyTrainingStep>
{
    public void Report(ToyTrainingStep value) => report(value);
}
