using Interp.Hooks;
using Interp.Units;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Stimuli;

/// <summary>Receptive fields of units, from the architecture and from gradients.</summary>
public static class ReceptiveFields
{
    /// <summary>
    /// The field geometry of <paramref name="layer"/>, from <see cref="FromArchitecture"/> at the map's centre and one step
    /// down and right (both must be unclipped: use a large enough <paramref name="inputSize"/>).
    /// </summary>
    public static FieldGeometry Geometry(HookedModel model, string layer, int? inputSize = null)
    {
        int size = inputSize ?? model.Input.Size;
        var (h, w) = LayerSide(model, layer, size);
        var a = FromArchitecture(model, Unit.Parse($"{layer}:0@{h / 2},{w / 2}"), size);
        var b = FromArchitecture(model, Unit.Parse($"{layer}:0@{h / 2 + 1},{w / 2 + 1}"), size);
        if (a.Clipped || b.Clipped)
            throw new ArgumentException($"At {size} px the central fields of '{layer}' reach the image's edge ({a}); use a larger inputSize to measure the geometry.",
                nameof(inputSize));
        if (a.Height != a.Width || b.Top - a.Top != b.Left - a.Left)
            throw new InvalidOperationException($"'{layer}' has a non-square field or unequal strides ({a}; {b}).");
        int jump = b.Top - a.Top;
        return new FieldGeometry(layer, size, a.Height, jump, a.Top - a.Y * jump, a.Left - a.X * jump);
    }

    /// <summary>
    /// The field geometry of <paramref name="layer"/> for images of <paramref name="inputSize"/> pixels, also for a deep layer
    /// whose central fields cover the whole image at that size: measured at the smallest multiple of the size (up to 8×) where
    /// they do not, which keeps the padding a size divisible by the strides gets, and given back for the asked size (fields are
    /// then clipped to the image by <see cref="FieldGeometry.At"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Even at 8× the size the central fields reach the image's edge.</exception>
    public static FieldGeometry GeometryFor(HookedModel model, string layer, int inputSize)
    {
        for (int factor = 1; ; factor++)
        {
            try
            {
                return Geometry(model, layer, inputSize * factor) with { InputSize = inputSize };
            }
            catch (ArgumentException) when (factor < 8)
            {
                // The central fields reach the edge at this size: try the next multiple.
            }
        }
    }

    /// <summary>
    /// The receptive field the architecture gives the unit, whatever the weights: the model is run (in float64) with every
    /// weight and scale (such as a layer scale) replaced by its absolute value, every bias by 0, batch and layer norms (and any
    /// <see cref="INormalization"/>) and the input preprocessing by the identity, and GELUs by ReLUs, so every activation is a
    /// non-negative sum over its inputs and a pixel reaches the unit exactly when some path of convolutions and pools connects
    /// them. A one-pixel image then probes the field's edges by binary search (a few dozen
    /// forward passes), once per model, unit and input size. The model's weights are restored afterwards, also on errors.
    /// </summary>
    public static ReceptiveField FromArchitecture(HookedModel model, Unit unit, int? inputSize = null)
    {
        var (layer, channel) = ArchitectureUnit(model, unit);
        int size = inputSize ?? model.Input.Size;
        var (uy, ux) = Position(model, unit, size);
        // The answer depends on the architecture only, so each model remembers it (the search, the orientation curves
        // and the notebook ask for the same central field several times; each probe is a few dozen forward passes).
        var known = ArchitectureFields.GetValue(model, _ => new());
        var key = (layer, channel, uy, ux, size);
        if (known.TryGetValue(key, out var field)) return field;
        field = ProbeArchitecture(model, layer, channel, uy, ux, size, unit);
        known[key] = field;
        return field;
    }

    /// <summary><see cref="FromArchitecture"/> without the per-model memory: always probes (for tests of the probe itself).</summary>
    internal static ReceptiveField ProbeArchitecture(HookedModel model, Unit unit, int? inputSize = null)
    {
        var (layer, channel) = ArchitectureUnit(model, unit);
        int size = inputSize ?? model.Input.Size;
        var (uy, ux) = Position(model, unit, size);
        return ProbeArchitecture(model, layer, channel, uy, ux, size, unit);
    }

    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<HookedModel, System.Collections.Concurrent.ConcurrentDictionary<(string, int, int, int, int),
        ReceptiveField>> ArchitectureFields = new();

    /// <summary>An additive parameter (a bias: <c>bias</c>, <c>….bias</c>, <c>…_bias</c>), zeroed by the probe; every other one scales.</summary>
    static bool IsBias(string parameter) =>
        parameter == "bias" || parameter.EndsWith(".bias", StringComparison.Ordinal) || parameter.EndsWith("_bias", StringComparison.Ordinal);

    static ReceptiveField ProbeArchitecture(HookedModel model, string layer, int channel, int uy, int ux, int size, Unit unit)
    {
        var originalDtype = model.Dtype;
        var saved = model.Module.parameters().Select(p => p.detach().clone()).ToList();
        var hooks = new List<HookHandle>();
        try
        {
            model.Module.to(float64);
            using (no_grad())
                foreach (var (n, p) in model.Module.named_parameters())
                {
                    // Biases add a constant: zeroed. Everything else scales (weights, norm scales, ConvNeXt's layer scale on a residual
                    // branch): made positive, so every connection stays.
                    if (IsBias(n)) p.zero_();
                    else p.abs_();
                }
            var identities = model.LayersOfType<BatchNorm2d>().Concat(model.LayersOfType<LayerNorm>()).Concat(model.LayersOfType<INormalization>()).ToHashSet();
            foreach (var name in model.LayerNames)
                if (name == "preprocess" || name.EndsWith(".preprocess", StringComparison.Ordinal) || identities.Contains(name))
                    hooks.Add(model.HookInputOutput(name, (input, _) => input.alias()));
            // GELU passes what ReLU passes (positive for a positive input) but is not positively homogeneous: probe with ReLU in its place.
            foreach (var name in model.LayersOfType<GELU>())
                hooks.Add(model.HookInputOutput(name, (input, _) => nn.functional.relu(input)));

            bool Reaches(int r, int c)
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var image = zeros([1, 3, size, size], dtype: float64);
                image[0, .., r, c] = tensor(1.0, dtype: float64);
                using var cache = model.RunWithCache(image, [layer], stopEarly: true);
                return cache[layer][0, channel, uy, ux].item<double>() > 0;
            }

            // Non-negative weights, zero biases, ReLUs and pools make the model positively homogeneous: a black image gives exactly
            // zero everywhere, and a faint grey one (faint, so a local response norm is the identity) a positive value at the unit,
            // doubling when the grey doubles. Otherwise something the probe did not make the identity (an input transform outside
            // the 'preprocess' layer, a normalization over positions) shifts or rescales the values, and the search would be meaningless.
            using (NewDisposeScope())
            using (no_grad())
            {
                double At(double grey)
                {
                    using var cache = model.RunWithCache(full([1, 3, size, size], grey, dtype: float64), [layer], stopEarly: true);
                    return grey == 0 ? cache[layer].abs().max().item<double>() : cache[layer][0, channel, uy, ux].item<double>();
                }
                double black = At(0), grey = At(1e-6), twice = At(2e-6);
                if (black != 0 || grey <= 0 || Math.Abs(twice - 2 * grey) > 1e-6 * twice)
                    throw new InvalidOperationException($"The receptive field of {unit} cannot be probed: with non-negative weights, zero biases, and batch and layer " +
                        $"norms and the 'preprocess' layer as the identity, '{layer}' should be zero for a black image and grow in proportion to a grey " +
                        $"one, and it does not ({black:G3} for black, {grey:G3} and {twice:G3} for grey 1e-6 and 2e-6), so something else shifts or " +
                        "normalizes the values on the way (an input transform must be the model's 'preprocess' layer).");
            }

            // Start from the pixel under the unit's position, or the nearest one that reaches it.
            var (h, w) = LayerSide(model, layer, size);
            int sy = Math.Clamp((int)((uy + 0.5) * size / h), 0, size - 1);
            int sx = Math.Clamp((int)((ux + 0.5) * size / w), 0, size - 1);
            var start = Spiral(sy, sx, size, 16).Where(p => Reaches(p.Y, p.X)).Select(p => ((int Y, int X)?)p).FirstOrDefault();
            if (start is null) throw new InvalidOperationException($"No input pixel near ({sy}, {sx}) reaches {unit}; is the layer spatial?");
            (sy, sx) = start.Value;
            int top = FirstTrue(0, sy, r => Reaches(r, sx));
            int bottom = LastTrue(sy, size - 1, r => Reaches(r, sx));
            int left = FirstTrue(0, sx, c => Reaches(sy, c));
            int right = LastTrue(sx, size - 1, c => Reaches(sy, c));
            return new ReceptiveField(layer, uy, ux, size, top, left, bottom, right);
        }
        finally
        {
            foreach (var h in hooks) h.Dispose();
            model.Module.to(originalDtype);
            using (no_grad())
                foreach (var (p, s) in model.Module.parameters().Zip(saved))
                    p.copy_(s);
            foreach (var s in saved) s.Dispose();
        }
    }

    /// <summary>
    /// The bounding box of the pixels where the unit's gradient is non-zero, over <paramref name="samples"/> random images
    /// (uniform in [0, 1], seeded): what the trained network actually uses, to confirm <see cref="FromArchitecture"/>.
    /// A unit after a ReLU passes no gradient on images where it is 0, and a max-pool passes it to one pixel of each
    /// window, so a field is covered only by the union over several images, and only for a unit that is active on them.
    /// </summary>
    public static ReceptiveField FromGradients(HookedModel model, Unit unit, int samples = 16, int? inputSize = null, long seed = 0)
    {
        var (layer, channel) = Require(model, unit);
        int size = inputSize ?? model.Input.Size;
        var (uy, ux) = Position(model, unit, size);
        using var generator = new Generator().manual_seed(seed);
        using var scope = NewDisposeScope();
        using var frozen = model.FreezeWeights();
        var support = zeros([size, size], dtype: ScalarType.Bool);
        for (int i = 0; i < samples; i++)
        {
            var image = rand([1, 3, size, size], generator: generator).to(model.Dtype).requires_grad_();
            using (var cache = model.RunWithCache(image, [layer], detach: false, stopEarly: true))
                cache[layer][0, channel, uy, ux].backward();
            support = support.logical_or(image.grad!.abs().sum([0, 1]) > 0);
        }
        var rows = support.any(1).nonzero().flatten();
        var cols = support.any(0).nonzero().flatten();
        if (rows.numel() == 0)
            throw new InvalidOperationException($"{unit}'s gradient was zero on all {samples} random images: the unit is inactive (0 after its ReLU) on them. " +
                "Choose a channel that responds to noise, or a pre-activation layer.");
        return new ReceptiveField(layer, uy, ux, size, (int)rows.min().item<long>(), (int)cols.min().item<long>(), (int)rows.max().item<long>(), (int)cols.max().item<long>());
    }

    /// <summary>
    /// The layer and channel whose architecture decides the unit's field: for a view of a layer (e.g. <c>layer2/sae:7</c>, which
    /// reads every channel at its position) the source layer's, whose channels all share one field in these models.
    /// </summary>
    static (string Layer, int Channel) ArchitectureUnit(HookedModel model, Unit unit)
    {
        var (layer, channel) = Require(model, unit);
        string source = model.SourceOf(layer);
        return source == layer ? (layer, channel) : (source, 0);
    }

    static (string Layer, int Channel) Require(HookedModel model, Unit unit)
    {
        model.RequireLayer(unit.Layer);
        return (unit.Layer, unit.Channel ?? throw new ArgumentException($"'{unit}' names no channel; a receptive field belongs to a unit such as '{unit.Layer}:0'.", nameof(unit)));
    }

    static (int H, int W) LayerSide(HookedModel model, string layer, int size)
    {
        var shape = model.Layer(layer, size).Shape;
        if (shape.Count != 4) throw new ArgumentException($"Layer '{layer}' gives [{string.Join(",", shape)}]; a receptive field needs a spatial layer [N, C, H, W].");
        return ((int)shape[2], (int)shape[3]);
    }

    static (int Y, int X) Position(HookedModel model, Unit unit, int size)
    {
        var (h, w) = LayerSide(model, unit.Layer, size);
        var (y, x) = unit.Position is { } p ? (p.Y, p.X) : (h / 2, w / 2);
        if (y < 0 || y >= h || x < 0 || x >= w) throw new ArgumentOutOfRangeException(nameof(unit),
            $"{unit}: the layer is {h}×{w} at {size} px; positions are 0..{h - 1}, 0..{w - 1}.");
        return (y, x);
    }

    static IEnumerable<(int Y, int X)> Spiral(int y, int x, int size, int radius)
    {
        for (int r = 0; r <= radius; r++)
            for (int dy = -r; dy <= r; dy++)
                for (int dx = -r; dx <= r; dx++)
                    if (Math.Max(Math.Abs(dy), Math.Abs(dx)) == r && y + dy >= 0 && y + dy < size && x + dx >= 0 && x + dx < size)
                        yield return (y + dy, x + dx);
    }

    /// <summary>The smallest i in [lo, hi] with f(i), given f(hi) and f monotone (false… then true…).</summary>
    static int FirstTrue(int lo, int hi, Func<int, bool> f)
    {
        while (lo < hi) { int mid = (lo + hi) / 2; if (f(mid)) hi = mid; else lo = mid + 1; }
        return lo;
    }

    /// <summary>The largest i in [lo, hi] with f(i), given f(lo) and f monotone (true… then false…).</summary>
    static int LastTrue(int lo, int hi, Func<int, bool> f)
    {
        while (lo < hi) { int mid = (lo + hi + 1) / 2; if (f(mid)) lo = mid; else hi = mid - 1; }
        return lo;
    }
}
