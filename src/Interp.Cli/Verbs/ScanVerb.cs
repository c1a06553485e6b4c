using System.CommandLine;
using Interp.CommandLine;
using Spectre.Console;
using Interp.Datasets;
using Interp.Zoo;

namespace Interp.Cli.Verbs;

/// <summary>
/// <c>interp scan</c>: one shard of a dataset scan over an image folder (each task of a Slurm job array or a Kubernetes
/// indexed Job takes <c>--shard $INDEX/$COUNT</c>); <c>interp merge</c> joins the shards into exactly the one-pass result.
/// </summary>
static class ScanVerb
{
    public static Command Build()
    {
        var model = new Option<string>("--model") { Description = $"A zoo model: {string.Join(", ", ModelZoo.Entries.Select(e => e.Name))}.", Required = true };
        var layer = new Option<string>("--layer") { Description = "The layer whose channels are ranked, e.g. layer3.", Required = true };
        var images = new Option<DirectoryInfo>("--images") { Description = "A folder of images (read recursively; unreadable files are skipped and reported).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The result file (JSON); <out>.checkpoint is written as the scan goes and resumed from.", Required = true };
        var shard = new Option<string>("--shard") { Description = "This task's share of the images, i/n with 0 ≤ i < n (default: all of them).", HelpName = "i/n" };
        shard.Validators.Add(r =>
        {
            var text = r.GetValueOrDefault<string>();
            if (text is null) return;
            try { Shard.Parse(text); }
            catch (FormatException e) { r.AddError($"--shard: {e.Message}"); }
        });
        var size = Options.Integer("--size", "The side the images are resized to; default 224.", 224, 8);
        var top = Options.Integer("--top", "Examples kept per channel at each end; default 9.", 9);
        var batch = Options.Integer("--batch", "Images per forward pass; default 32.", 32);
        var threads = Options.Threads(2);
        var command = new Command("scan", "Rank every channel's top and bottom dataset examples over an image folder, one shard at a time.")
        {
            model, layer, images, output, shard, size, top, batch, threads,
        };
        command.SetAction(parsed =>
        {
            TorchSharp.torch.set_num_threads(parsed.GetValue(threads));
            var console = CommandLineHost.ConsoleFor(parsed.InvocationConfiguration.Output);
            var part = parsed.GetValue(shard) is { } s ? Shard.Parse(s) : Shard.All;
            var settings = new ScanSettings(Size: parsed.GetValue(size), TopK: parsed.GetValue(top), BatchSize: parsed.GetValue(batch));
            var folder = parsed.GetValue(images)!;
            if (!folder.Exists) throw new CommandLineException($"--images: there is no folder {folder.FullName}.");
            using var hooked = ModelZoo.Load(parsed.GetValue(model)!);
            var source = new FolderImages(folder.FullName);
            var outPath = parsed.GetValue(output)!.FullName;
            var result = ProgressDisplay.Run(console, $"scan {part}", 1, progress =>
                DatasetScan.Run(hooked, parsed.GetValue(layer)!, source, settings, part, outPath + ".checkpoint",
                    new Reporter<ScanProgress>(p => progress.Report(((double)p.Done / Math.Max(1, p.Total), $"{p.Done}/{p.Total} images")))));
            File.WriteAllText(outPath, result.ToJson());
            console.WriteLine($"scanned images {string.Join(", ", result.Scanned.Select(r => $"{r[0]}..{r[1] - 1}"))} of {source.Count} (shard {part}); " +
                              $"{result.Skipped.Count} unreadable; wrote {outPath}");
            foreach (var skipped in result.Skipped) console.WriteLine($"  skipped {skipped.ImageId}: {skipped.Reason}");
            return 0;
        });
        return command;
    }
}
