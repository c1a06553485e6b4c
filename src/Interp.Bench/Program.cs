using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Interp.Bench;
using Interp.FeatureVisualization.Rendering;

// Feature-visualization benchmark. `bench` runs every configuration in its own process (so that peak
// memory is per configuration) and prints one JSON line each; `bench-one` runs a single one; `soak`
// prints resident memory over a long render.
const string Usage = """
    Usage:
      dotnet run -c Release --project src/Interp.Bench -- bench [--steps N] [--quick] [--compare] [--resize None|BeforeTransforms|AfterTransformsLucent] [--malloc tuned|default|both]
      dotnet run -c Release --project src/Interp.Bench -- bench-one --layer layer2|layer3|layer4 --batch B --threads T --dtype float32|bfloat16 [--steps N] [--compare] [--resize …]
      dotnet run -c Release --project src/Interp.Bench -- soak [--steps 10000] [--batch 1] [--threads 2]
      dotnet run -c Release --project src/Interp.Bench -- clip [--threads 2] [--steps 5] [--dtype float32|bfloat16|both]
      dotnet run -c Release --project src/Interp.Bench -- scan [--layer layer3] [--images 128] [--batch 32] [--threads 2]
      dotnet run -c Release --project src/Interp.Bench -- curves [--layer layer3] [--threads 2]   (the curve search on ResNet-18: counts, not timings)
      dotnet run -c Release --project src/Interp.Bench -- sizes [--layer layer3] [--batch 8] [--threads 1] [--rounds 4] [--malloc tuned|default|both]
      dotnet run -c Release --project src/Interp.Bench -- profile [--layer layer3] [--batch 8] [--threads 2] [--steps 12] [--resize …] [--channels-last]
      dotnet run -c Release --project src/Interp.Bench -- units [--layer layer3] [--units 8] [--batches 1,4,8] [--threads 2] [--steps 64] [--dtype float32|bfloat16]
    --compare also times each configuration with the whole model run every step (no early stop), and with channels-last images
    (RenderSpec.ChannelsLast), in the same process.
    units: units per minute rendering different units in one batch (Objectives.Channels) against one unit at a time.
    sizes: forward + backward to the layer over the input sizes Lucid's transforms give (128–152 px), NCHW and channels-last,
    with the process's kernel time and page faults.
    --malloc both runs each configuration twice, glibc's allocator defaults (INTERP_MALLOC=default) then the library's
    tuning (NativeAllocator), one after the other, so the two are compared in one run; default: tuned.
    """;
if (args.Length == 0) { Console.Error.WriteLine(Usage); return 2; }
int Arg(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
string Str(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
int steps = Arg("--steps", 12);
bool compare = args.Contains("--compare");
var resizeName = Str("--resize", nameof(ModelInputResize.None));
if (!Enum.TryParse<ModelInputResize>(resizeName, out var resize))
{
    Console.Error.WriteLine($"Unknown --resize '{resizeName}'; valid: {string.Join(", ", Enum.GetNames<ModelInputResize>())}.");
    return 2;
}
var json = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

switch (args[0])
{
    case "bench":
        var configs = from layer in new[] { "layer2", "layer3" } from batch in new[] { 1, 8 } from threads in new[] { 1, 2 } from dtype in new[] { "float32", "bfloat16" } select (layer, batch, threads, dtype);
        if (args.Contains("--quick")) configs = configs.Where(c => c.batch == 1 && c.threads == 2);
        foreach (var (layer, batch, threads, dtype) in configs)
        foreach (var malloc in Mallocs())
        {
            var childArgs = new List<string> { "bench-one", "--layer", layer, "--batch", batch.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture),
                "--dtype", dtype, "--steps", steps.ToString(CultureInfo.InvariantCulture), "--resize", resize.ToString() };
            if (compare) childArgs.Add("--compare");
            if (Child(childArgs, malloc) is not { } line) { Console.Error.WriteLine($"configuration {layer}, batch {batch}, threads {threads}, {dtype}, malloc {malloc} failed"); return 1; }
            Console.WriteLine(line);
        }
        return 0;
    case "sizes":
        foreach (var malloc in Mallocs())
        {
            if (Child(["sizes-one", "--layer", Str("--layer", "layer3"), "--batch", Arg("--batch", 8).ToString(CultureInfo.InvariantCulture),
                    "--threads", Arg("--threads", 1).ToString(CultureInfo.InvariantCulture), "--rounds", Arg("--rounds", 4).ToString(CultureInfo.InvariantCulture)], malloc) is not { } line)
            { Console.Error.WriteLine($"sizes, malloc {malloc} failed"); return 1; }
            Console.WriteLine(line);
        }
        return 0;
    case "sizes-one":
        Console.WriteLine(JsonSerializer.Serialize(BenchConfig.Sizes(Str("--layer", "layer3"), Arg("--batch", 8), Arg("--threads", 1), Arg("--rounds", 4)), json));
        return 0;
    case "bench-one":
        var result = BenchConfig.Run(Str("--layer", "layer3"), Arg("--batch", 1), Arg("--threads", 1), Str("--dtype", "float32"), steps, resize, compare);
        Console.WriteLine(JsonSerializer.Serialize(result, json));
        return 0;
    case "profile":
        Console.WriteLine(JsonSerializer.Serialize(BenchConfig.Profile(Str("--layer", "layer3"), Arg("--batch", 8), Arg("--threads", 2), steps, resize, args.Contains("--channels-last")), json));
        return 0;
    case "units":
        var batches = Str("--batches", "1,4,8").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToList();
        foreach (var row in BenchConfig.Units(Str("--layer", "layer3"), Arg("--units", 8), batches, Arg("--threads", 2), Arg("--steps", 64), Str("--dtype", "float32")))
            Console.WriteLine(JsonSerializer.Serialize(row, json));
        return 0;
    case "clip":
        var dtypes = Str("--dtype", "both") switch { "both" => new[] { "float32", "bfloat16" }, var d => new[] { d } };
        foreach (var row in BenchConfig.Clip(Arg("--threads", 2), Arg("--steps", 5), [1, 16], dtypes))
            Console.WriteLine(JsonSerializer.Serialize(row, json));
        return 0;
    case "scan":
        Console.WriteLine(JsonSerializer.Serialize(BenchConfig.ScanSpeed(Str("--layer", "layer3"), Arg("--images", 128), Arg("--batch", 32), Arg("--threads", 2)), json));
        return 0;
    case "curves":
        Console.WriteLine(JsonSerializer.Serialize(BenchConfig.Curves(Str("--layer", "layer3"), Arg("--threads", 2)), json));
        return 0;
    case "soak":
        Console.WriteLine(JsonSerializer.Serialize(BenchConfig.Soak(Arg("--steps", 10000), Arg("--batch", 1), Arg("--threads", 2)), json));
        return 0;
    default:
        Console.Error.WriteLine(Usage);
        return 2;
}

// The allocator settings --malloc asks for, each run in its own child process.
string[] Mallocs() => Str("--malloc", "tuned") switch
{
    "tuned" => ["tuned"],
    "default" => ["default"],
    "both" => ["default", "tuned"],
    var m => throw new ArgumentException($"Unknown --malloc '{m}'; valid: tuned, default, both."),
};

// Runs this program with childArgs in a new process (INTERP_MALLOC=default for "default") and returns its last line, or null if it failed.
string? Child(IEnumerable<string> childArgs, string malloc)
{
    var self = Environment.ProcessPath!;
    var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true };
    if (self.EndsWith("dotnet", StringComparison.Ordinal)) psi.ArgumentList.Add(typeof(BenchConfig).Assembly.Location);
    foreach (var a in childArgs) psi.ArgumentList.Add(a);
    if (malloc == "default") psi.Environment[Interp.Runtime.NativeAllocator.Variable] = "default";
    else psi.Environment.Remove(Interp.Runtime.NativeAllocator.Variable);
    using var p = Process.Start(psi)!;
    var line = p.StandardOutput.ReadToEnd().Trim().Split('\n').Last();
    p.WaitForExit();
    return p.ExitCode == 0 ? line : null;
}
