using System.CommandLine;
using System.Globalization;
using Interp.CommandLine;
using Interp.Datasets;
using Interp.Microscope;
using Interp.Zoo;
using Spectre.Console;

namespace Interp.Cli.Verbs;

/// <summary>
/// <c>interp microscope</c>: every unit of the named layers as pages of a static site, one shard at a time (a Slurm array
/// task or a Kubernetes indexed Job each takes <c>--shard $INDEX/$COUNT</c>); <c>interp microscope merge</c> joins shards.
/// </summary>
static class MicroscopeVerb
{
    public static Command Build()
    {
        var model = new Option<string>("--model") { Description = $"A zoo model: {string.Join(", ", ModelZoo.Entries.Select(e => e.Name))}.", Required = true };
        var layers = new Option<string>("--layers")
        {
            Description = "Comma-separated layers, e.g. layer2,layer3,layer4; each layer's page shows its strongest inputs from the layer before it in this list.",
            Required = true,
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "The site's folder (shards may share it or write their own and be merged).", Required = true };
        var units = new Option<string?>("--units") { Description = "Units of each layer, e.g. 0-63 or 0-7,12 (default: all).", HelpName = "ranges" };
        units.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text)
                try { ParseUnits(text); }
                catch (FormatException e) { r.AddError(e.Message); }
        });
        var shard = new Option<string?>("--shard") { Description = "This task's share of the units (whole render groups), i/n with 0 ≤ i < n (default: all).", HelpName = "i/n" };
        shard.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text)
                try { Shard.Parse(text); }
                catch (FormatException e) { r.AddError($"--shard: {e.Message}"); }
        });
        var defaults = new MicroscopeSettings();
        var steps = Options.Integer("--steps", $"Optimization steps per feature visualization; default {defaults.Steps}.", defaults.Steps);
        var size = Options.Integer("--size", $"Side of the rendered images; default {defaults.Size}.", defaults.Size, 16);
        var perRender = Options.Integer("--units-per-render", $"Units rendered together, one per image of a batch; default {defaults.UnitsPerRender}.", defaults.UnitsPerRender);
        var images = new Option<DirectoryInfo?>("--images") { Description = "A folder of images for the dataset examples (default: the shipped photos)." };
        var threads = Options.Threads(2);
        var command = new Command("microscope", "Build Microscope pages for every unit of some layers: feature visualization, dataset examples, strongest inputs.")
        {
            model, layers, output, units, shard, steps, size, perRender, images, threads,
        };
        command.SetAction(parsed =>
        {
            TorchSharp.torch.set_num_threads(parsed.GetValue(threads));
            var console = CommandLineHost.ConsoleFor(parsed.InvocationConfiguration.Output);
            var settings = new MicroscopeSettings(Steps: parsed.GetValue(steps), Size: parsed.GetValue(size), UnitsPerRender: parsed.GetValue(perRender));
            IImageSource source;
            if (parsed.GetValue(images) is { } folder)
            {
                if (!folder.Exists) throw new CommandLineException($"--images: there is no folder {folder.FullName}.");
                source = new FolderImages(folder.FullName);
                if (source.Count == 0)
                    throw new CommandLineException($"--images: {folder.FullName} holds no image ({string.Join(", ", Interp.Images.ImageIO.SupportedExtensions)}).");
            }
            else source = SamplePhotos.All();
            var names = parsed.GetValue(layers)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (names.Length == 0) throw new CommandLineException("--layers: name at least one layer.");
            var part = parsed.GetValue(shard) is { } s ? Shard.Parse(s) : Shard.All;
            var wanted = parsed.GetValue(units) is { } u ? ParseUnits(u) : null;
            var root = parsed.GetValue(output)!.FullName;
            using var hooked = ModelZoo.Load(parsed.GetValue(model)!);
            foreach (var name in names) hooked.RequireLayer(name);
            var table = new Table().AddColumns("layer", "units", "built now", "seconds");
            for (int i = 0; i < names.Length; i++)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                int built = 0;
                var pages = ProgressDisplay.Run(console, $"{names[i]} {part}", 1, progress =>
                    MicroscopeBuilder.BuildLayer(hooked, names[i], wanted, source, settings, root, i > 0 ? names[i - 1] : null, part,
                        new Reporter<MicroscopeProgress>(p =>
                        {
                            built = p.Built;
                            progress.Report(((double)p.Done / Math.Max(1, p.Total), p.ToString()));
                        })));
                table.AddRow(names[i], $"{pages.Count}", $"{built}", watch.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture));
            }
            console.Write(table);
            console.WriteLine($"Pages in {Path.Combine(root, "index.html")}");
            return 0;
        });

        var shards = new Argument<DirectoryInfo[]>("shards") { Description = "The shards' site folders.", Arity = ArgumentArity.OneOrMore };
        var mergeOut = new Option<DirectoryInfo>("--out") { Description = "The merged site's folder.", Required = true };
        var merge = new Command("merge", "Merge shards' site folders into one site (a unit in two shards must be the same bytes).") { shards, mergeOut };
        merge.SetAction(parsed =>
        {
            var root = parsed.GetValue(mergeOut)!.FullName;
            MicroscopeSite.Merge(parsed.GetValue(shards)!.Select(d => d.FullName), root);
            parsed.InvocationConfiguration.Output.WriteLine($"Merged {parsed.GetValue(shards)!.Length} shard folder(s); pages in {Path.Combine(root, "index.html")}");
            return 0;
        });
        command.Subcommands.Add(merge);
        return command;
    }

    /// <summary>Unit ranges: "0-63", "5", "0-7,12,20-23".</summary>
    internal static IReadOnlyList<int> ParseUnits(string text)
    {
        var units = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-');
            bool ok = ends.Length is 1 or 2 && ends.All(e => int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out _));
            if (!ok) throw new FormatException($"--units takes ranges like 0-63 or 0-7,12; '{part}' is not one.");
            int from = int.Parse(ends[0], CultureInfo.InvariantCulture), to = int.Parse(ends[^1], CultureInfo.InvariantCulture);
            if (to < from) throw new FormatException($"--units: the range '{part}' ends before it starts.");
            units.AddRange(Enumerable.Range(from, to - from + 1));
        }
        return units;
    }
}
