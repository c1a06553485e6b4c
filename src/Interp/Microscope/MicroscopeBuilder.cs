using System.Diagnostics;
using System.Text.Json;
using Interp.Circuits;
using Interp.Datasets;
using Interp.FeatureVisualization.Objectives;
using Interp.FeatureVisualization.Rendering;
using Interp.Hooks;
using Interp.Images;
using Interp.Stimuli;
using Interp.Units;
using static TorchSharp.torch;

namespace Interp.Microscope;

/// <summary>
/// Builds the Microscope pages of a layer's units: each unit's feature visualization (rendered with the others of its fixed
/// group, so its image does not depend on which shard asked), its top and bottom dataset examples (receptive-field crops),
/// and its strongest inputs from the layer before (expanded weights). Resumable: a unit whose <c>unit.json</c> holds this
/// build's key is skipped; every file is written under a temporary name and renamed, so a crash leaves no half page.
/// </summary>
public static class MicroscopeBuilder
{
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>
    /// Builds the pages of <paramref name="units"/> (all of the layer's when null) of <paramref name="layer"/> into
    /// <c><paramref name="outDir"/>/&lt;model&gt;/&lt;layer&gt;/</c>, or the share of them <paramref name="shard"/> names (units are
    /// shared out in whole render groups). Returns the pages of this shard's units, built now or found done.
    /// </summary>
    /// <param name="images">The dataset examples' image set (e.g. <see cref="SamplePhotos.All"/>, or a folder of ImageNet).</param>
    /// <param name="inputLayer">The layer whose units feed this one (its strongest inputs are shown and linked), or null for none.</param>
    public static IReadOnlyList<UnitPage> BuildLayer(HookedModel model, string layer, IReadOnlyList<int>? units, IImageSource images, MicroscopeSettings settings,
        string outDir, string? inputLayer = null, Shard? shard = null, IProgress<MicroscopeProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        settings.Validate();
        model.RequireLayer(layer);
        if (inputLayer is not null) model.RequireLayer(inputLayer);
        if (images.Count == 0) throw new ArgumentException($"The image set '{images.Name}' is empty; the dataset examples need at least one image.", nameof(images));
        var info = model.Layer(layer, settings.ScanSize);
        if (info.Shape.Count != 4)
            throw new ArgumentException($"'{layer}' has no positions (shape [{string.Join(", ", info.Shape)}]); the Microscope shows convolutional layers, e.g. " +
                string.Join(", ", model.LayerNames.Where(l => model.Layer(l, settings.ScanSize).Shape.Count == 4).Take(6)) + ".", nameof(layer));
        int count = (int)info.Shape[1];
        var wanted = (units ?? Enumerable.Range(0, count).ToList()).Distinct().Order().ToList();
        if (wanted.Count == 0) throw new ArgumentException("Name at least one unit.", nameof(units));
        foreach (var c in wanted)
            if (c < 0 || c >= count) throw new ArgumentOutOfRangeException(nameof(units), c, $"'{layer}' has units 0..{count - 1}.");

        var key = settings.Key(model.Name, model.Dtype.ToString(), images.Name, images.Count, get_num_threads());
        var layerDir = MicroscopeSite.LayerFolder(outDir, model.Name, layer);
        Directory.CreateDirectory(layerDir);
        foreach (var other in MicroscopeSite.ReadUnits(layerDir).Where(p => p.Key != key).Take(1))
            throw new InvalidOperationException($"'{layerDir}' holds units built with other settings, model or images (unit {other.Id}, key {other.Key}; this build's key " +
                $"is {key}). Build into another folder, or delete that one.");

        int k = settings.UnitsPerRender;
        var groups = wanted.GroupBy(c => c / k).ToList();
        var part = shard ?? Shard.All;
        var (first, end) = part.Range(groups.Count);
        var mine = groups.Skip(first).Take(end - first).ToList();
        int total = mine.Sum(g => g.Count()), done = 0, built = 0;
        var watch = Stopwatch.StartNew();
        var pages = new List<UnitPage>();
        ScanResult? scan = null;
        FieldGeometry? field = null;
        int centreY = (int)info.Shape[2] / 2, centreX = (int)info.Shape[3] / 2;
        foreach (var group in mine)
        {
            cancellation.ThrowIfCancellationRequested();
            var todo = new List<int>();
            foreach (var c in group)
            {
                if (MicroscopeSite.ReadUnit(Path.Combine(layerDir, c.ToString(System.Globalization.CultureInfo.InvariantCulture))) is { } page && page.Key == key
                    && File.Exists(Path.Combine(layerDir, $"{c}.html")))
                {
                    pages.Add(page);
                    done++;
                }
                else todo.Add(c);
            }
            if (todo.Count > 0)
            {
                scan ??= DatasetScan.Run(model, layer, images, new ScanSettings(Size: settings.ScanSize, TopK: settings.Examples),
                    checkpointPath: Path.Combine(layerDir, $"scan-{key}-{part.Index}-of-{part.Count}.json"), cancellation: cancellation);
                field ??= ReceptiveFields.GeometryFor(model, layer, settings.ScanSize);
                var members = Enumerable.Range(group.Key * k, Math.Min(k, count - group.Key * k)).ToList();
                var objective = members.Count == 1 ? Objectives.Channel(new Unit(layer, members[0])) : Objectives.Channels([.. members.Select(c => new Unit(layer, c))]);
                using var render = Renderer.Render(model, objective, settings.Spec with { Batch = members.Count });
                foreach (var c in todo)
                {
                    var page = WriteUnit(model, layer, c, key, render, members.IndexOf(c), scan, field, images, settings, inputLayer, centreY, centreX, layerDir, count);
                    pages.Add(page);
                    done++;
                    built++;
                }
            }
            var elapsed = watch.Elapsed;
            progress?.Report(new MicroscopeProgress(layer, done, total, built, elapsed,
                built > 0 && done < total ? elapsed / built * (total - done) : null));
        }
        MicroscopeSite.WriteIndexes(outDir);
        return pages;
    }

    static UnitPage WriteUnit(HookedModel model, string layer, int channel, string key, RenderResult render, int slot, ScanResult scan, FieldGeometry field,
        IImageSource images, MicroscopeSettings settings, string? inputLayer, int centreY, int centreX, string layerDir, int count)
    {
        using var scope = NewDisposeScope();
        var unitDir = Path.Combine(layerDir, channel.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(unitDir);
        var temporary = Path.Combine(unitDir, $"channel.{Environment.ProcessId}.tmp.png");
        render.Save(temporary, slot);
        MicroscopeSite.Move(temporary + ".json", Path.Combine(unitDir, "channel.json"));
        MicroscopeSite.Move(temporary, Path.Combine(unitDir, "channel.png"));

        IReadOnlyList<ExampleImage> Examples(IReadOnlyList<DatasetExample> examples, string prefix)
        {
            var crops = DatasetExamples.Crops(images, examples, field, settings.ScanSize);
            var list = new List<ExampleImage>();
            for (int i = 0; i < examples.Count; i++)
            {
                var file = $"{prefix}-{i}.png";
                MicroscopeSite.WriteBytes(Path.Combine(unitDir, file), ImageIO.ToPng(crops[i], clamp: true));
                list.Add(new ExampleImage(file, examples[i].ImageId, examples[i].Y, examples[i].X, examples[i].Activation));
            }
            return list;
        }
        var top = Examples(scan.Top[channel], "top");
        var bottom = Examples(scan.Bottom[channel], "bottom");

        List<InputWeight> excitatory = [], inhibitory = [];
        if (inputLayer is not null && settings.Inputs > 0)
        {
            using var weight = ExpandedWeights.Between(model, inputLayer, new Unit(layer, channel, new SpatialPosition(centreY, centreX)), settings.ScanSize);
            var sums = weight.Weights.to(float64).sum([1, 2]).data<double>().ToArray();
            var order = Enumerable.Range(0, sums.Length).OrderByDescending(i => sums[i]).ThenBy(i => i).ToList();
            var strongest = order.Take(settings.Inputs).Where(i => sums[i] > 0).ToList();
            var weakest = order.AsEnumerable().Reverse().Take(settings.Inputs).Where(i => sums[i] < 0).ToList();
            var shown = strongest.Concat(weakest).ToList();
            double scale = shown.Count == 0 ? 1 : Math.Max(1e-12, shown.Max(i => weight.Weights[i].abs().max().item<float>()));
            InputWeight Kernel(int input)
            {
                var file = $"in-{input}.png";
                using var picture = WeightImages.Diverging(weight.Weights[input], scale);
                MicroscopeSite.WriteBytes(Path.Combine(unitDir, file), ImageIO.ToPng(picture, clamp: true));
                return new InputWeight(inputLayer, input, sums[input], file);
            }
            excitatory = [.. strongest.Select(Kernel)];
            inhibitory = [.. weakest.Select(Kernel)];
        }

        var page = new UnitPage(model.Name, layer, channel, key, "channel.png", "channel.json", top, bottom, excitatory, inhibitory);
        MicroscopeSite.WriteText(Path.Combine(layerDir, $"{channel}.html"), MicroscopeSite.UnitHtml(page, count));
        // Last: the marker that the unit is done.
        MicroscopeSite.WriteText(Path.Combine(unitDir, MicroscopeSite.UnitFile), JsonSerializer.Serialize(page, Json));
        return page;
    }
}
