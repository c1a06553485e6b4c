using System.Diagnostics;
using System.Globalization;
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
/// Builds the Microscope pages of a layer's units: each unit's feature visualizations (channel objective, a diversity batch and
/// the neuron objective, rendered with the other units of its fixed group, so its images do not depend on which shard asked),
/// its dataset examples (top, across the activation range, weakest, most negative; receptive-field crops), its strongest
/// inputs from the layer before and outputs to the layer after (expanded weights), and notebook 02's curve criteria with its
/// orientation tuning. Resumable: a unit whose <c>unit.json</c> holds this build's key is skipped; every file is written under
/// a temporary name and renamed, so a crash leaves no half page.
/// </summary>
public static class MicroscopeBuilder
{
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>
    /// Builds the pages of <paramref name="units"/> (all of the layer's when null) of <paramref name="layer"/> into
    /// <c><paramref name="outDir"/>/&lt;model&gt;/&lt;layer&gt;/</c>, or the share of them <paramref name="shard"/> names (units are
    /// shared out in whole render groups). Returns the pages of this shard's units, built now or found done, with the build's times.
    /// </summary>
    /// <param name="images">The dataset examples' image set (e.g. <see cref="SamplePhotos.All"/>, or a folder of ImageNet).</param>
    /// <param name="inputLayer">The layer whose units feed this one (its strongest inputs are shown and linked), or null for none.</param>
    /// <param name="outputLayer">The layer this one feeds (its strongest outputs are shown and linked), or null for none.</param>
    /// <param name="replaceOtherBuilds">Delete the layer's units built under another key (other settings, images or library version)
    /// instead of refusing to build: for a scratch slice a notebook rebuilds, not for a site built in shards.</param>
    public static LayerBuild BuildLayer(HookedModel model, string layer, IReadOnlyList<int>? units, IImageSource images, MicroscopeSettings settings,
        string outDir, string? inputLayer = null, string? outputLayer = null, Shard? shard = null, IProgress<MicroscopeProgress>? progress = null,
        bool replaceOtherBuilds = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        settings.Validate();
        model.RequireLayer(layer);
        if (inputLayer is not null) model.RequireLayer(inputLayer);
        if (outputLayer is not null) model.RequireLayer(outputLayer);
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
        var others = MicroscopeSite.ReadUnits(layerDir).Where(p => p.Key != key).ToList();
        if (others.Count > 0 && !replaceOtherBuilds)
            throw new InvalidOperationException($"'{layerDir}' holds units built with other settings, model, images or library version (unit {others[0].Id}, key " +
                $"{others[0].Key}; this build's key is {key}). Build into another folder, delete that one, or replace them (replaceOtherBuilds).");
        foreach (var other in others)
        {
            Directory.Delete(Path.Combine(layerDir, other.Channel.ToString(CultureInfo.InvariantCulture)), recursive: true);
            File.Delete(Path.Combine(layerDir, $"{other.Channel}.html"));
        }

        int k = settings.UnitsPerRender;
        var groups = wanted.GroupBy(c => c / k).ToList();
        var part = shard ?? Shard.All;
        var (first, end) = part.Range(groups.Count);
        var mine = groups.Skip(first).Take(end - first).ToList();
        int total = mine.Sum(g => g.Count()), done = 0, built = 0;
        var watch = Stopwatch.StartNew();
        var pages = new List<UnitPage>();
        LayerFacts? facts = null;
        var preparation = TimeSpan.Zero;
        IReadOnlyList<SkippedImage> skipped = [];
        try
        {
            foreach (var group in mine)
            {
                cancellation.ThrowIfCancellationRequested();
                var todo = new List<int>();
                foreach (var c in group)
                {
                    if (MicroscopeSite.ReadUnit(Path.Combine(layerDir, c.ToString(CultureInfo.InvariantCulture))) is { } page && page.Key == key
                        && File.Exists(Path.Combine(layerDir, $"{c}.html")))
                    {
                        pages.Add(page);
                        done++;
                    }
                    else todo.Add(c);
                }
                if (todo.Count > 0)
                {
                    facts ??= LayerFacts.Measure(model, layer, images, settings, inputLayer, outputLayer,
                        [.. mine.SelectMany(g => g)], Path.Combine(layerDir, $"scan-{key}-{part.Index}-of-{part.Count}.json"), cancellation);
                    var members = Enumerable.Range(group.Key * k, Math.Min(k, count - group.Key * k)).ToList();
                    using var render = Renderer.Render(model, GroupObjective(layer, members, settings), settings.Spec with { Batch = members.Count * settings.ImagesPerUnit });
                    var curves = facts.OrientationCurves(model, todo);
                    foreach (var c in todo)
                    {
                        pages.Add(WriteUnit(model, layer, c, key, render, members.IndexOf(c), members.Count, facts, curves, images, settings, layerDir, count));
                        done++;
                        built++;
                    }
                }
                var elapsed = watch.Elapsed;
                progress?.Report(new MicroscopeProgress(layer, done, total, built, elapsed,
                    built > 0 && done < total ? (elapsed - facts!.Preparation) / built * (total - done) : null));
            }
        }
        finally
        {
            preparation = facts?.Preparation ?? TimeSpan.Zero;
            skipped = facts?.Scan.Skipped ?? [];
            facts?.Dispose();
        }
        MicroscopeSite.WriteIndexes(outDir);
        return new LayerBuild(layer, pages, built, watch.Elapsed, preparation, skipped);
    }

    /// <summary>
    /// The objective of one render group of <paramref name="members"/> (k units): images 0…k−1 the channel objective of each unit;
    /// then each unit's diversity batch of D images (its channel's mean over them − 100 · diversity among them, Lucid's recipe);
    /// then each unit's neuron objective. Every image's gradient comes from its own unit only.
    /// </summary>
    public static Objective GroupObjective(string layer, IReadOnlyList<int> members, MicroscopeSettings settings)
    {
        int k = members.Count, d = settings.Diversity;
        var objective = Objectives.Channels([.. members.Select(c => new Unit(layer, c))]);
        for (int m = 0; m < k && d > 0; m++)
        {
            int start = k + m * d;
            var unit = new Unit(layer, members[m]);
            var mean = Enumerable.Range(start, d).Select(i => Objectives.Channel(unit, batch: i)).Aggregate((a, b) => a + b);
            objective += 1.0 / d * mean - MicroscopeSettings.DiversityWeight * Objectives.Diversity(layer, start, d);
        }
        if (settings.Neuron)
            for (int m = 0; m < k; m++) objective += Objectives.Neuron(new Unit(layer, members[m]), batch: k + k * d + m);
        return objective;
    }

    static UnitPage WriteUnit(HookedModel model, string layer, int channel, string key, RenderResult render, int slot, int groupSize, LayerFacts facts,
        IReadOnlyDictionary<int, TuningCurve<Arc>> curves, IImageSource images, MicroscopeSettings settings, string layerDir, int count)
    {
        using var scope = NewDisposeScope();
        var unitDir = Path.Combine(layerDir, channel.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(unitDir);

        RenderedImage Save(string kind, string name, int index)
        {
            var temporary = Path.Combine(unitDir, $"{name}.{Environment.ProcessId}.tmp.png");
            render.Save(temporary, index);
            MicroscopeSite.Move(temporary + ".json", Path.Combine(unitDir, $"{name}.json"));
            MicroscopeSite.Move(temporary, Path.Combine(unitDir, $"{name}.png"));
            return new RenderedImage(kind, $"{name}.png", $"{name}.json");
        }
        int d = settings.Diversity;
        var renders = new List<RenderedImage> { Save("channel", "channel", slot) };
        for (int j = 0; j < d; j++) renders.Add(Save("diversity", $"diversity-{j}", groupSize + slot * d + j));
        if (settings.Neuron) renders.Add(Save("neuron", "neuron", groupSize + groupSize * d + slot));

        IReadOnlyList<ExampleImage> Examples(IReadOnlyList<DatasetExample> examples, string prefix, IReadOnlyList<double>? percentiles = null)
        {
            var crops = DatasetExamples.Crops(images, examples, facts.Field, settings.ScanSize);
            var list = new List<ExampleImage>();
            for (int i = 0; i < examples.Count; i++)
            {
                var file = $"{prefix}-{i}.png";
                MicroscopeSite.WriteBytes(Path.Combine(unitDir, file), ImageIO.ToPng(crops[i], clamp: true));
                list.Add(new ExampleImage(file, examples[i].ImageId, examples[i].Y, examples[i].X, examples[i].Activation, percentiles?[i]));
            }
            return list;
        }
        var scan = facts.Scan;
        var top = Examples(scan.Top[channel], "top");
        var spread = Examples(scan.Spread(channel, MicroscopeSettings.Percentiles), "spread", MicroscopeSettings.Percentiles);
        var weakest = Examples(scan.Weakest[channel], "weakest");
        var negative = Examples([.. scan.Bottom[channel].Where(e => e.Activation < 0)], "negative");

        var (positiveInputs, negativeInputs, inputsNote) = facts.Inputs(model, channel, unitDir);
        var (positiveOutputs, negativeOutputs) = facts.Outputs(channel, unitDir);
        CurveSummary? curve = null;
        if (facts.Curves?[channel] is { } candidate)
        {
            var tuning = curves.GetValueOrDefault(channel);
            curve = new CurveSummary(candidate.Passes(facts.Criteria), candidate.Failures(facts.Criteria), candidate.BestCurve, candidate.BestLine, candidate.Opposite,
                candidate.Ring, candidate.Natural, candidate.OrientationSelectivity,
                tuning is null ? [] : [.. tuning.Points.Select(p => p.Parameter.Orientation)], tuning is null ? [] : [.. tuning.Points.Select(p => p.Response)]);
        }

        var page = new UnitPage(model.Name, layer, channel, key, renders, top, spread, weakest, negative, positiveInputs, negativeInputs, positiveOutputs,
            negativeOutputs, curve, facts.CurveNote, string.Join(" ", new[] { inputsNote, facts.OutputsNote }.OfType<string>()) is { Length: > 0 } n ? n : null);
        MicroscopeSite.WriteText(Path.Combine(layerDir, $"{channel}.html"), MicroscopeSite.UnitHtml(page, count));
        // Last: the marker that the unit is done.
        MicroscopeSite.WriteText(Path.Combine(unitDir, MicroscopeSite.UnitFile), JsonSerializer.Serialize(page, Json));
        return page;
    }
}
