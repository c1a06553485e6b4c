using Interp.Hooks;
using Interp.Models;
using Interp.Units;
using static TorchSharp.torch;

namespace Interp.Circuits;

/// <summary>How well a calibrated artificial unit matches the unit it stands in for, over every position of every image.</summary>
/// <param name="Correlation">Pearson correlation of the artificial unit's output with the original's.</param>
/// <param name="ExplainedVariance">1 − mean squared error / the original's variance: 0 for a constant at the mean, 1 for a perfect match.</param>
/// <param name="Positions">How many activations (images × positions) the fit used.</param>
public sealed record UnitFit(double Correlation, double ExplainedVariance, long Positions);

/// <summary>
/// A unit built by hand: ReLU(<see cref="Gain"/> · (<see cref="Kernel"/> ⋆ the <see cref="Source"/> layer's activation) +
/// <see cref="Bias"/>), the kernel [C, k, k] (k odd) slid over the source map with <see cref="Stride"/> and padding (k − 1)/2,
/// so output position i is centred on source position Stride·i. Substitute it for a real unit with <see cref="Substitute"/>.
/// </summary>
public sealed class ArtificialUnit : IDisposable
{
    /// <summary>A unit reading <paramref name="source"/> through <paramref name="kernel"/> [C, k, k].</summary>
    public ArtificialUnit(string source, Tensor kernel, int stride, double gain = 1, double bias = 0, UnitFit? fit = null)
    {
        if (kernel.ndim != 3 || kernel.shape[1] != kernel.shape[2] || kernel.shape[1] % 2 == 0)
            throw new ArgumentException($"The kernel must be [C, k, k] with k odd; got [{string.Join(", ", kernel.shape)}].", nameof(kernel));
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride must be at least 1.");
        Source = source;
        Kernel = kernel.detach().to(float32).clone().DetachFromDisposeScope();   // the unit owns it, whatever scope it is made in
        Stride = stride;
        Gain = gain;
        Bias = bias;
        Fit = fit;
    }

    /// <summary>The layer the unit reads.</summary>
    public string Source { get; }
    /// <summary>The weights [C, k, k] over the source's channels and positions.</summary>
    public Tensor Kernel { get; }
    /// <summary>Source positions per output position.</summary>
    public int Stride { get; }
    /// <summary>Scale of the drive before the ReLU.</summary>
    public double Gain { get; }
    /// <summary>Offset before the ReLU.</summary>
    public double Bias { get; }
    /// <summary>The calibration's match with the original unit, when calibrated.</summary>
    public UnitFit? Fit { get; }

    /// <summary>The linear drive: the kernel slid over <paramref name="source"/> [N, C, H, W] → [N, H', W'].</summary>
    public Tensor Drive(Tensor source)
    {
        if (source.ndim != 4 || source.shape[1] != Kernel.shape[0])
            throw new ArgumentException($"The unit reads {Kernel.shape[0]} channels of '{Source}' [N, {Kernel.shape[0]}, H, W]; got [{string.Join(", ", source.shape)}].",
                nameof(source));
        using var scope = NewDisposeScope();
        long pad = (Kernel.shape[1] - 1) / 2;
        var weight = Kernel.to(source.dtype, source.device).unsqueeze(0);
        // The float32 convolution fault some CPUs have is avoided the same way as in the models.
        return SafeConv2d.Conv2d(source, weight, null, Stride, pad).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>The unit's output ReLU(Gain · drive + Bias) [N, 1, H', W'].</summary>
    public Tensor Apply(Tensor source)
    {
        using var scope = NewDisposeScope();
        return nn.functional.relu(Drive(source) * Gain + Bias).unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Fits <see cref="Gain"/> and <see cref="Bias"/> by least squares so that the drive predicts <paramref name="target"/>
    /// (a channel of a later layer) on every position of <paramref name="images"/>; only these two numbers come from the data,
    /// the kernel stays as written. Returns the calibrated unit with its <see cref="Fit"/>.
    /// </summary>
    public ArtificialUnit Calibrate(HookedModel model, Unit target, Tensor images, int batchSize = 16)
    {
        if (target.Channel is not int channel || target.Position is not null)
            throw new ArgumentException($"Calibrate against one whole channel, e.g. '{target.Layer}:0'; got '{target}'.", nameof(target));
        return CalibrateAll(model, target.Layer, [(channel, this)], images, batchSize)[0];
    }

    /// <summary>
    /// <see cref="Calibrate"/> for several units standing in for channels of one layer, with one forward pass per batch for all
    /// of them. The result is in the order of <paramref name="units"/>.
    /// </summary>
    public static IReadOnlyList<ArtificialUnit> CalibrateAll(HookedModel model, string layer, IReadOnlyList<(int Channel, ArtificialUnit Unit)> units, Tensor images,
        int batchSize = 16)
    {
        if (units.Count == 0) throw new ArgumentException("Give at least one (channel, unit) pair.", nameof(units));
        if (images.ndim != 4 || images.shape[0] == 0) throw new ArgumentException($"Give images [N, 3, H, W] with N ≥ 1; got [{string.Join(", ", images.shape)}].", nameof(images));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        model.RequireLayer(layer);
        var shape = model.Layer(layer).Shape;
        ChannelList.RequireInRange(layer, [.. units.Select(u => u.Channel)], shape[1], nameof(units));
        var sources = units.Select(u => u.Unit.Source).Distinct().ToList();
        foreach (var s in sources) model.RequireLayer(s);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var drives = units.Select(_ => new List<Tensor>()).ToList();
        var originals = units.Select(_ => new List<Tensor>()).ToList();
        for (long start = 0; start < images.shape[0]; start += batchSize)
        {
            using var batchScope = NewDisposeScope();
            var batch = images[TensorIndex.Slice(start, Math.Min(images.shape[0], start + batchSize))].to(model.Dtype);
            using var cache = model.RunWithCache(batch, [.. sources, layer], stopEarly: true);
            for (int u = 0; u < units.Count; u++)
            {
                var original = cache[layer][.., units[u].Channel];
                var drive = units[u].Unit.Drive(cache[units[u].Unit.Source]);
                if (!drive.shape.SequenceEqual(original.shape))
                    throw new InvalidOperationException($"The unit's output is [{string.Join(", ", drive.shape)}] but '{layer}' is [{string.Join(", ", original.shape)}] per " +
                        "channel: " +
                                                        "the stride or the kernel size does not match the layers (see LayerAlignment.Between).");
                drives[u].Add(drive.to(float64).flatten().MoveToOuterDisposeScope());
                originals[u].Add(original.to(float64).flatten().MoveToOuterDisposeScope());
            }
        }
        return [.. units.Select((u, i) => u.Unit.Fitted(cat(drives[i]), cat(originals[i])))];
    }

    /// <summary>This unit with the least-squares gain and bias mapping <paramref name="drive"/> onto <paramref name="target"/>, and the fit's quality.</summary>
    ArtificialUnit Fitted(Tensor drive, Tensor target)
    {
        using var scope = NewDisposeScope();
        var dc = drive - drive.mean();
        var tc = target - target.mean();
        double variance = dc.pow(2).sum().item<double>();
        if (variance <= 0) throw new InvalidOperationException("The kernel gives the same drive everywhere on these images, so no gain can be fitted; check that it is not all " +
            "zeros.");
        double gain = (dc * tc).sum().item<double>() / variance;
        double bias = target.mean().item<double>() - gain * drive.mean().item<double>();
        var output = nn.functional.relu(drive * gain + bias);
        double correlation = corrcoef(stack([output, target]))[0, 1].item<double>();
        double explained = 1 - (output - target).pow(2).mean().item<double>() / Math.Max(tc.pow(2).mean().item<double>(), 1e-300);
        return new ArtificialUnit(Source, Kernel, Stride, gain, bias, new UnitFit(double.IsNaN(correlation) ? 0 : correlation, explained, drive.numel()));
    }

    /// <summary>
    /// A unit whose kernel is an expanded weight (the real circuit with its ReLUs made linear), placed by
    /// <paramref name="alignment"/>: the reference a hand-written unit can be compared with.
    /// </summary>
    public static ArtificialUnit FromExpandedWeight(ExpandedWeight weight, LayerAlignment alignment)
    {
        if (weight.From != alignment.Source || weight.To.Layer != alignment.Target)
            throw new ArgumentException($"The weight goes from '{weight.From}' to '{weight.To.Layer}' but the alignment from '{alignment.Source}' to '{alignment.Target}'.",
                nameof(alignment));
        if (Math.Abs(alignment.Offset - Math.Round(alignment.Offset)) > 1e-9)
            throw new ArgumentException($"'{alignment.Target}' is centred between positions of '{alignment.Source}' (offset {alignment.Offset}); an expanded weight cannot be " +
                "placed on that grid.", nameof(alignment));
        var p = weight.To.Position!.Value;
        int centreY = alignment.Stride * p.Y + (int)Math.Round(alignment.Offset), centreX = alignment.Stride * p.X + (int)Math.Round(alignment.Offset);
        long h = weight.Weights.shape[1], w = weight.Weights.shape[2];
        int reach = (int)new[] { centreY - weight.Top, weight.Top + h - 1 - centreY, centreX - weight.Left, weight.Left + w - 1 - centreX }.Max();
        int size = 2 * reach + 1;
        using var kernel = zeros([weight.Weights.shape[0], size, size]);
        int top = weight.Top - centreY + reach, left = weight.Left - centreX + reach;
        kernel[.., TensorIndex.Slice(top, top + h), TensorIndex.Slice(left, left + w)] = weight.Weights;
        return new ArtificialUnit(alignment.Source, kernel, alignment.Stride);
    }

    /// <summary>
    /// Replaces channels of <paramref name="layer"/> by artificial units, all reading one earlier layer in the same forward pass,
    /// until the handle is disposed (see <see cref="UnitEdits.ReplaceFrom"/>).
    /// </summary>
    public static HookHandle Substitute(HookedModel model, string layer, IReadOnlyList<(int Channel, ArtificialUnit Unit)> units)
    {
        if (units.Count == 0) throw new ArgumentException("Give at least one (channel, unit) pair.", nameof(units));
        var sources = units.Select(u => u.Unit.Source).Distinct().ToList();
        if (sources.Count != 1) throw new ArgumentException($"The units read different layers ({string.Join(", ", sources)}); substitute each group separately.", nameof(units));
        return UnitEdits.ReplaceFrom(model, layer, [.. units.Select(u => u.Channel)], sources[0], source =>
        {
            using var scope = NewDisposeScope();
            return cat([.. units.Select(u => u.Unit.Apply(source))], 1).MoveToOuterDisposeScope();
        });
    }

    /// <inheritdoc/>
    public void Dispose() => Kernel.Dispose();
}
