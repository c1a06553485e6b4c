using System.CommandLine;
using System.Globalization;
using Interp.CommandLine;
using Interp.Datasets;
using Interp.Dictionary;
using Interp.Hooks;
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
        var layers = new Option<string?>("--layers")
        {
            Description = "Comma-separated layers, e.g. layer2,layer3 (default: the model's main layers). Each layer's pages show their strongest inputs from the main " +
                "layer before it and outputs to the main layer after it (for a layer that is not a main layer: its neighbours in this list).",
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
        var diversity = Options.Integer("--diversity", $"Images in each unit's diversity batch (0: none, else at least 2); default {defaults.Diversity}.", defaults.Diversity, 0);
        diversity.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() == 1) r.AddError("--diversity: a diversity batch compares images; give 0 (none) or at least 2.");
        });
        var noNeuron = new Option<bool>("--no-neuron") { Description = "Do not render the neuron objective (the channel at the centre of the map)." };
        var images = new Option<DirectoryInfo?>("--images")
        {
            Description = "A folder of images for the dataset examples (default: the model's own set: the shipped photos, or the toy world for toy models).",
        };
        var dictionaries = new Option<string?>("--dictionaries")
        {
            Description = "Comma-separated dictionaries whose features get pages: shipped names (e.g. toy-clip.visual.stage4.topk8.4x.seed1) or .dict files. " +
                "Each is attached to its layer as <layer>/sae, which --layers can then name (e.g. --layers visual.stage4/sae).",
            HelpName = "names",
        };
        var threads = Options.Threads(2);
        var command = new Command("microscope", "Build Microscope pages for every unit of some layers: feature visualization, dataset examples, strongest inputs.")
        {
            model, layers, output, units, shard, steps, size, perRender, diversity, noNeuron, images, dictionaries, threads,
        };
        command.SetAction(parsed =>
        {
            TorchSharp.torch.set_num_threads(parsed.GetValue(threads));
            var console = CommandLineHost.ConsoleFor(parsed.InvocationConfiguration.Output);
            var entry = ModelZoo.Get(parsed.GetValue(model)!);
            var settings = new MicroscopeSettings(Steps: parsed.GetValue(steps), Size: parsed.GetValue(size), UnitsPerRender: parsed.GetValue(perRender),
                ScanSize: entry.Input.Size, Diversity: parsed.GetValue(diversity), Neuron: !parsed.GetValue(noNeuron));
            IImageSource source;
            if (parsed.GetValue(images) is { } folder)
            {
                if (!folder.Exists) throw new CommandLineException($"--images: there is no folder {folder.FullName}.");
                source = new FolderImages(folder.FullName);
                if (source.Count == 0)
                    throw new CommandLineException($"--images: {folder.FullName} holds no image ({string.Join(", ", Interp.Images.ImageIO.SupportedExtensions)}).");
            }
            else source = entry.DefaultExampleImages();
            var main = entry.MainLayers ?? [];
            var names = parsed.GetValue(layers) is { } list ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [.. main];
            if (names.Length == 0)
                throw new CommandLineException(parsed.GetValue(layers) is null
                    ? $"--layers: '{entry.Name}' has no main layers to default to; name its layers, e.g. --layers a,b."
                    : "--layers: name at least one layer.");
            var part = parsed.GetValue(shard) is { } s ? Shard.Parse(s) : Shard.All;
            var wanted = parsed.GetValue(units) is { } u ? ParseUnits(u) : null;
            var root = parsed.GetValue(output)!.FullName;
            using var hooked = entry.Load();
            using var attached = Attach(hooked, parsed.GetValue(dictionaries));
            foreach (var name in names) hooked.RequireLayer(name);
            var table = new Table().AddColumns("layer", "units", "built now", "seconds", "of which preparing", "seconds per unit built");
            for (int i = 0; i < names.Length; i++)
            {
                // A dictionary's features have no weights of their own to link through: their pages go without inputs and outputs.
                var (before, after) = hooked.SourceOf(names[i]) == names[i] ? Neighbours(names, i, main) : (null, null);
                var build = ProgressDisplay.Run(console, $"{names[i]} {part}", 1, progress =>
                    MicroscopeBuilder.BuildLayer(hooked, names[i], wanted, source, settings, root, before, after, part, new Reporter<MicroscopeProgress>(p =>
                        {
                            progress.Report(((double)p.Done / Math.Max(1, p.Total), p.ToString()));
                        })));
                string S(double seconds) => seconds.ToString("F1", CultureInfo.InvariantCulture);
                table.AddRow(names[i], $"{build.Pages.Count}", $"{build.Built}", S(build.Elapsed.TotalSeconds), S(build.Preparation.TotalSeconds),
                    build.SecondsPerUnit is { } perUnit ? S(perUnit) : "–");
                if (i == 0) foreach (var image in build.Skipped) console.MarkupLineInterpolated($"[yellow]skipped[/] {image.ImageId}: {image.Reason}");
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

    /// <summary>Attaches each named dictionary (shipped name or .dict file) to its layer as <c>layer/sae</c>; one handle detaches them all.</summary>
    static HookHandle Attach(HookedModel model, string? list)
    {
        var handles = new List<HookHandle>();
        if (list is null) return HookedModel.Combine(handles);
        try
        {
            foreach (var item in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                DictionaryLayer dictionary;
                if (item.EndsWith(".dict", StringComparison.Ordinal))
                {
                    if (!File.Exists(item)) throw new CommandLineException($"--dictionaries: there is no dictionary file {Path.GetFullPath(item)}.");
                    var (sae, info) = DictionaryFile.Load(item, model.Name);
                    dictionary = new DictionaryLayer(sae, info);
                }
                else
                {
                    try { dictionary = ShippedDictionaries.Load(model, item); }
                    catch (ArgumentException e) { throw new CommandLineException($"--dictionaries: {e.Message}"); }
                    catch (InvalidOperationException e) { throw new CommandLineException($"--dictionaries: {e.Message}"); }
                }
                if (model.HasLayer(dictionary.Info.Layer + "/sae"))
                    throw new CommandLineException($"--dictionaries: two dictionaries for {dictionary.Info.Layer}; give one per layer.");
                handles.Add(dictionary.AttachTo(model));
            }
            return HookedModel.Combine(handles);
        }
        catch
        {
            foreach (var h in handles) h.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The layers whose units feed layer <paramref name="i"/> of <paramref name="names"/> and that it feeds: its neighbours among the model's
    /// main layers when it is one of them, else its neighbours in <paramref name="names"/>.
    /// </summary>
    internal static (string? Before, string? After) Neighbours(IReadOnlyList<string> names, int i, IReadOnlyList<string> main)
    {
        var (list, at) = main.ToList().IndexOf(names[i]) is >= 0 and var m ? (main, m) : (names, i);
        return (at > 0 ? list[at - 1] : null, at + 1 < list.Count ? list[at + 1] : null);
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
