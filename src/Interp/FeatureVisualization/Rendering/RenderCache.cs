using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Interp.FeatureVisualization.Objectives;
using Interp.Hooks;
using Interp.Images;
using Interp.Runtime;
using Interp.Units;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Rendering;

/// <summary>
/// Feature visualizations of single units, rendered once and kept as PNG files (with their provenance beside them), so that
/// figures which label many units by their pictures — weight small multiples, circuit diagrams — cost a render only the first
/// time. An entry is keyed by the model, the unit, the objective kind, every render option that changes the image, the thread
/// count and the library version; the image on disk is the 8-bit PNG of the render.
/// </summary>
public sealed class RenderCache(string? root = null)
{
    /// <summary>The folder of the cached renders (default <c>~/.cache/interp-notebooks/renders</c>).</summary>
    public string Root { get; } = root ?? Path.Combine(TorchRuntime.CacheRoot, "renders");

    /// <summary>How many renders the last call had to make (the rest came from disk).</summary>
    public int LastRendered { get; private set; }

    /// <summary>
    /// The channel visualization (<see cref="Objectives.Objectives.Channel"/>) of each of <paramref name="channels"/> of
    /// <paramref name="layer"/>, [3, Size, Size] each, rendered with <paramref name="options"/> (batch 1) where not cached.
    /// </summary>
    public IReadOnlyList<Tensor> Channels(HookedModel model, string layer, IReadOnlyList<int> channels, RenderOptions options)
    {
        model.RequireLayer(layer);
        if (options.Parameterization is not null)
            throw new ArgumentException("Cached renders need the default parameterization: a custom one cannot be identified in the cache key. Render it with Renderer.Render instead.", nameof(options));
        if (options.Batch != 1) throw new ArgumentException($"Cached renders are made one unit at a time (Batch = 1); got Batch = {options.Batch}.", nameof(options));
        long count = model.Layer(layer).Shape[1];
        foreach (var c in channels)
            if (c < 0 || c >= count) throw new ArgumentOutOfRangeException(nameof(channels), c, $"'{layer}' has channels 0..{count - 1}.");
        Directory.CreateDirectory(Root);
        LastRendered = 0;
        var images = new List<Tensor>(channels.Count);
        foreach (var c in channels)
        {
            var unit = new Unit(layer, c);
            var path = Path.Combine(Root, Key(model, "channel", unit, options) + ".png");
            if (!File.Exists(path))
            {
                using var result = Renderer.Render(model, Objectives.Objectives.Channel(unit), options);
                var temporary = path + $".{Environment.ProcessId}.tmp.png";
                result.Save(temporary);
                File.Move(temporary + ".json", path + ".json", overwrite: true);
                File.Move(temporary, path, overwrite: true);   // whole files only: a crash never leaves half an entry
                LastRendered++;
            }
            images.Add(ImageIO.Load(path));
        }
        return images;
    }

    /// <summary>The entry's file name: a readable prefix and a hash of everything that changes the image.</summary>
    internal static string Key(HookedModel model, string kind, Unit unit, RenderOptions options)
    {
        var version = typeof(RenderCache).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var description = string.Join("|", model.Name, model.Dtype, kind, unit, options.Steps, options.LearningRate, options.Seed, options.Size,
            options.Transforms.Description, options.RedirectReluSteps, options.InputResize, options.Precision, options.StopAtDeepestLayer,
            get_num_threads(), version) + (options.ChannelsLast ? "|channels-last" : "");   // NCHW keys stay as they were
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(description)))[..16].ToLowerInvariant();
        var safe = string.Concat($"{model.Name}-{kind}-{unit}".Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '.' ? ch : '_'));
        return $"{safe}-{hash}";
    }
}
