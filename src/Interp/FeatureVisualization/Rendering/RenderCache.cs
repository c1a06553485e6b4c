using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Interp.FeatureVisualization.Parameterizations;
using Interp.Hooks;
using Interp.Images;
using Interp.Runtime;
using Interp.Units;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Rendering;

/// <summary>
/// Feature visualizations of single units, rendered once and kept as PNG files (with their provenance beside them), so that
/// figures which label many units by their pictures — weight small multiples, circuit diagrams, layer pages — cost a render
/// only the first time. An entry is keyed by the model and its number format, the unit, the objective kind, the
/// <see cref="RenderSpec"/>'s JSON, how many units share a render, the thread count and the library version; the image on
/// disk is the 8-bit PNG of the render.
/// </summary>
public sealed class RenderCache(string? root = null)
{
    /// <summary>The folder of the cached renders (default <c>~/.cache/interp-notebooks/renders</c>).</summary>
    public string Root { get; } = root ?? Path.Combine(InterpPaths.CacheRoot, "renders");

    /// <summary>
    /// Units per render for whole layers: 4 rendered 1.4–1.6× as many units per minute as one at a time, as many as 8 did at less
    /// memory (ResNet-18 <c>layer3</c>, 64 steps, 2 threads, AMD Zen 5; <c>interp bench units</c>, docs/benchmarks.md). The
    /// default of <see cref="Channels"/> stays 1, so that renders already made (notebook 03's pictures) keep their bits.
    /// </summary>
    public const int RecommendedUnitsPerRender = 4;

    /// <summary>How many renders the last call had to make (the rest came from disk).</summary>
    public int LastRendered { get; private set; }

    /// <summary>
    /// The channel visualization (<see cref="Objectives.Objectives.Channel"/>) of each of <paramref name="channels"/> of
    /// <paramref name="layer"/>, [3, Size, Size] each, rendered with <paramref name="spec"/> (batch 1: one image per unit)
    /// where not cached.
    /// </summary>
    /// <param name="unitsPerRender">
    /// Channels rendered together, one per image of a batch (<see cref="Objectives.Objectives.Channels"/>): channel c is
    /// rendered with the others of its group, c / k · k … c / k · k + k − 1, whichever channels were asked for, so its image
    /// is the same in any call (the group's other channels are rendered and cached too). 1 renders each channel alone.
    /// </param>
    public IReadOnlyList<Tensor> Channels(HookedModel model, string layer, IReadOnlyList<int> channels, RenderSpec spec, int unitsPerRender = 1)
    {
        model.RequireLayer(layer);
        spec.Validate();
        if (spec.Parameterization is CustomParameterizationSpec custom)
            throw new ArgumentException($"Cached renders need a parameterization the cache can identify (FourierSpec, PixelSpec or CppnSpec); '{custom.Name}' is a custom " +
                "factory. Render it with Renderer.Render instead.", nameof(spec));
        if (spec.Batch != 1) throw new ArgumentException($"Cached renders keep one image per unit (Batch = 1); got Batch = {spec.Batch}. Use unitsPerRender to render several " +
            "units together.", nameof(spec));
        if (unitsPerRender < 1) throw new ArgumentOutOfRangeException(nameof(unitsPerRender), unitsPerRender, "unitsPerRender must be at least 1 (1 renders each unit alone).");
        int count = (int)model.Layer(layer).Shape[1];
        foreach (var c in channels)
            if (c < 0 || c >= count) throw new ArgumentOutOfRangeException(nameof(channels), c, $"'{layer}' has channels 0..{count - 1}.");
        Directory.CreateDirectory(Root);
        LastRendered = 0;
        string PathOf(int channel) => Path.Combine(Root, Key(model, "channel", new Unit(layer, channel), spec, unitsPerRender) + ".png");
        foreach (var group in channels.Select(c => c / unitsPerRender).Distinct())
        {
            var members = Enumerable.Range(group * unitsPerRender, Math.Min(unitsPerRender, count - group * unitsPerRender)).ToList();
            if (members.All(c => File.Exists(PathOf(c)))) continue;
            var units = members.Select(c => new Unit(layer, c)).ToList();
            var objective = unitsPerRender == 1 ? Objectives.Objectives.Channel(units[0]) : Objectives.Objectives.Channels(units);
            using var result = Renderer.Render(model, objective, spec with { Batch = units.Count });
            for (int i = 0; i < units.Count; i++)
            {
                var path = PathOf(members[i]);
                var temporary = path + $".{Environment.ProcessId}.tmp.png";
                result.Save(temporary, i);
                File.Move(temporary + ".json", path + ".json", overwrite: true);
                File.Move(temporary, path, overwrite: true);   // whole files only: a crash never leaves half an entry
            }
            LastRendered += units.Count;
        }
        return channels.Select(c => ImageIO.Load(PathOf(c))).ToList();
    }

    /// <summary>The entry's file name: a readable prefix and a hash of everything that changes the image.</summary>
    internal static string Key(HookedModel model, string kind, Unit unit, RenderSpec spec, int unitsPerRender = 1)
    {
        var version = typeof(RenderCache).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var description = string.Join("|", model.Name, model.Dtype, kind, unit, spec.ToJson(), get_num_threads(), version)
            + (unitsPerRender == 1 ? "" : $"|units per render {unitsPerRender}");
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(description)))[..16].ToLowerInvariant();
        var safe = string.Concat($"{model.Name}-{kind}-{unit}".Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '.' ? ch : '_'));
        return $"{safe}-{hash}";
    }
}
