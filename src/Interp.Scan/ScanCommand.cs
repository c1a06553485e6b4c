using System.Globalization;
using Interp.Datasets;
using Interp.Models.Zoo;

namespace Interp.Scan;

/// <summary>
/// The dataset-scan command: <c>scan</c> one shard of an image folder (so that a Slurm job array or a Kubernetes indexed
/// Job can spread a large dataset over machines, each with <c>--shard $INDEX/$COUNT</c>), and <c>merge</c> the shards'
/// results into exactly the result of one pass.
/// </summary>
public static class ScanCommand
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        Usage:
          dotnet run -c Release --project src/Interp.Scan -- scan --model resnet18 --layer layer3 --images <folder> --out <result.json>
                     [--shard i/n] [--size 224] [--top 9] [--batch 32] [--threads N]
          dotnet run -c Release --project src/Interp.Scan -- merge <result.json>… --out <merged.json>
        A scan writes <out>.checkpoint as it goes and resumes from it when run again with the same settings.
        """;

    /// <summary>Runs the command; returns the process exit code (0 ok, 1 failed, 2 bad arguments).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help") { output.WriteLine(Usage); return args.Length == 0 ? 2 : 0; }
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new List<string>();
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length) { error.WriteLine($"{args[i]} needs a value.\n{Usage}"); return 2; }
                options[args[i]] = args[++i];
            }
            else files.Add(args[i]);
        }
        string? Opt(string name) => options.GetValueOrDefault(name);
        int Int(string name, int fallback) => Opt(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var known = args[0] == "scan" ? new[] { "--model", "--layer", "--images", "--out", "--shard", "--size", "--top", "--batch", "--threads" } : ["--out"];
        if (options.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown) { error.WriteLine($"Unknown option {unknown} for '{args[0]}'. Valid: {string.Join(", ", known)}."); return 2; }
        try
        {
            switch (args[0])
            {
                case "scan":
                {
                    var missing = new[] { "--model", "--layer", "--images", "--out" }.Where(o => Opt(o) is null).ToList();
                    if (missing.Count > 0) { error.WriteLine($"'scan' needs {string.Join(", ", missing)}.\n{Usage}"); return 2; }
                    if (Opt("--threads") is not null) TorchSharp.torch.set_num_threads(Int("--threads", 1));
                    var shard = Opt("--shard") is { } s ? Shard.Parse(s) : Shard.All;
                    var settings = new ScanSettings(Size: Int("--size", 224), TopK: Int("--top", 9), BatchSize: Int("--batch", 32));
                    using var model = ModelZoo.Load(Opt("--model")!);
                    var source = new FolderImages(Opt("--images")!);
                    var outPath = Opt("--out")!;
                    var progress = new Progress(output);
                    var result = DatasetScan.Run(model, Opt("--layer")!, source, settings, shard, outPath + ".checkpoint", progress);
                    File.WriteAllText(outPath, result.ToJson());
                    output.WriteLine($"scanned images {string.Join(", ", result.Scanned.Select(r => $"{r[0]}..{r[1] - 1}"))} of {source.Count} (shard {shard}); " +
                                     $"{result.Skipped.Count} unreadable; wrote {outPath}");
                    foreach (var skipped in result.Skipped) output.WriteLine($"  skipped {skipped.ImageId}: {skipped.Reason}");
                    return 0;
                }
                case "merge":
                {
                    if (files.Count == 0 || Opt("--out") is not { } outPath) { error.WriteLine($"'merge' needs result files and --out.\n{Usage}"); return 2; }
                    var merged = ScanResult.MergeAll(files.Select(f => ScanResult.FromJson(File.ReadAllText(f))));
                    File.WriteAllText(outPath, merged.ToJson());
                    output.WriteLine($"merged {files.Count} results: {merged.ImagesScanned} of {merged.DatasetImages} images; wrote {outPath}");
                    if (merged.ImagesScanned != merged.DatasetImages) output.WriteLine($"  note: {merged.DatasetImages - merged.ImagesScanned} images are in no shard yet");
                    return 0;
                }
                default:
                    error.WriteLine($"Unknown command '{args[0]}'. Valid: scan, merge.\n{Usage}");
                    return 2;
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidOperationException)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }

    sealed class Progress(TextWriter output) : IProgress<ScanProgress>
    {
        public void Report(ScanProgress value) => output.WriteLine(value);
    }
}
