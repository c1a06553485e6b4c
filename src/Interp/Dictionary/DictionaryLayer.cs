using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Dictionary;

/// <summary>
/// A dictionary's features as units of the model: attached to a <see cref="HookedModel"/>, the layer
/// <c>layer/sae</c> has one channel per feature at every position of <c>layer</c>, so <c>layer3/sae:12</c> is visualized,
/// scanned for dataset examples and tuned exactly like a neuron. Each position's activation vector x is multiplied by the
/// dictionary's <see cref="DictionaryInfo.Scale"/> and encoded. For <see cref="SaeKind.TopK"/> the values are exactly the
/// top-k encoding, and the gradient is that of the ReLU of every pre-activation (a straight-through estimate), so a feature
/// outside the top k still gets a gradient towards entering it — what feature visualization needs; the encoder's row is the
/// feature's direction through the layer.
/// </summary>
public sealed class DictionaryLayer : ILayerView
{
    /// <summary>A view of <paramref name="sae"/> for the layer and scale named by <paramref name="info"/>.</summary>
    public DictionaryLayer(SparseAutoencoder sae, DictionaryInfo info)
    {
        ArgumentNullException.ThrowIfNull(sae);
        ArgumentNullException.ThrowIfNull(info);
        if (info.Settings.Width != sae.Settings.Width || info.Settings.Features != sae.Settings.Features)
            throw new ArgumentException($"The info describes a {info.Settings.Width}→{info.Settings.Features} dictionary but the autoencoder is " +
                $"{sae.Settings.Width}→{sae.Settings.Features}.", nameof(info));
        if (!(info.Scale > 0) || double.IsInfinity(info.Scale))
            throw new ArgumentException($"The scale must be a positive finite number; got {info.Scale}.", nameof(info));
        Sae = sae;
        Info = info;
    }

    /// <summary>The autoencoder.</summary>
    public SparseAutoencoder Sae { get; }
    /// <summary>The model, layer and scale it belongs to.</summary>
    public DictionaryInfo Info { get; }

    /// <inheritdoc/>
    public string Kind => $"SparseAutoencoder {Info.Settings.Kind} ×{(double)Info.Settings.Features / Info.Settings.Width:0.##}";

    /// <summary>
    /// Attaches the features to <paramref name="model"/> as the layer <c>{Info.Layer}/{suffix}</c> until the handle is
    /// disposed; refuses a model other than the dictionary's, or a layer whose width is not the dictionary's.
    /// </summary>
    public HookHandle AttachTo(HookedModel model, string suffix = "sae")
    {
        Check(model);
        return model.AttachView(Info.Layer, suffix, this);
    }

    /// <summary>
    /// Replaces the layer's output by its reconstruction until the handle is disposed (the model then computes with what
    /// the dictionary explains, and nothing else), for measuring what the dictionary loses downstream.
    /// </summary>
    public HookHandle Splice(HookedModel model)
    {
        Check(model);
        return model.Hook(Info.Layer, Reconstruct);
    }

    /// <summary>The reconstruction of a layer output [N, C, ...] in the layer's own units.</summary>
    public Tensor Reconstruct(Tensor source)
    {
        using var scope = NewDisposeScope();
        var x = Vectors(source);
        var xhat = Sae.Decode(Sae.Encode(x)).div(Info.Scale);
        return Unvectors(xhat, source, Info.Settings.Width).to(source.dtype).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor Read(Tensor source)
    {
        using var scope = NewDisposeScope();
        var pre = Sae.PreActivations(Vectors(source));
        var r = nn.functional.relu(pre);
        Tensor f;
        if (Info.Settings.Kind == SaeKind.ReluL1) f = r;
        else
        {
            var (_, indices) = pre.topk(Info.Settings.K, dim: 1);
            var keep = zeros_like(pre, dtype: ScalarType.Bool).scatter_(1, indices, ones_like(indices, dtype: ScalarType.Bool));
            // r − r.detach() is exactly 0 with the gradient of r: the values are the top-k encoding's, bit for bit.
            f = where(keep, r, r - r.detach());
        }
        return Unvectors(f, source, Info.Settings.Features).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor Write(Tensor source, Tensor read, Tensor edited)
    {
        if (!edited.shape.SequenceEqual(read.shape))
            throw new ArgumentException($"An edit of '{Info.Layer}' features must keep their shape [{string.Join(", ", read.shape)}]; got " +
                $"[{string.Join(", ", edited.shape)}].", nameof(edited));
        using var scope = NewDisposeScope();
        // x' = x + (Decode(f') − Decode(f)) / scale: what the dictionary does not explain (its error) is kept.
        var delta = Vectors(edited, Info.Settings.Features, scale: false).sub(Vectors(read, Info.Settings.Features, scale: false))
            .matmul(Sae.Decoder.t()).div(Info.Scale);
        return source.add(Unvectors(delta, source, Info.Settings.Width).to(source.dtype)).MoveToOuterDisposeScope();
    }

    void Check(HookedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Name != Info.Model)
            throw new ArgumentException($"This is a dictionary of {Info.Model} {Info.Layer}, not of {model.Name}.", nameof(model));
        var shape = model.Layer(Info.Layer).Shape;
        if (shape.Count < 2 || shape[1] != Info.Settings.Width)
            throw new ArgumentException($"{model.Name} {Info.Layer} has output [{string.Join(", ", shape)}] but the dictionary reads {Info.Settings.Width} " +
                "channels per position.", nameof(model));
    }

    /// <summary>[N, C, H, W] (or [N, C]) → [N·H·W, C] in float32, times the scale when <paramref name="scale"/>.</summary>
    Tensor Vectors(Tensor t, int? width = null, bool scale = true)
    {
        int c = width ?? Info.Settings.Width;
        if (t.ndim < 2 || t.shape[1] != c)
            throw new ArgumentException($"Expected an output of {Info.Layer} with {c} channels; got [{string.Join(", ", t.shape)}].", nameof(t));
        var v = (t.ndim == 2 ? t : t.permute([0, .. Enumerable.Range(2, (int)t.ndim - 2).Select(i => (long)i), 1])).reshape(-1, c).to(ScalarType.Float32);
        return scale ? v.mul(Info.Scale) : v;
    }

    /// <summary>The inverse of <see cref="Vectors"/>: [N·H·W, width] → the layout of <paramref name="like"/> with <paramref name="width"/> channels.</summary>
    static Tensor Unvectors(Tensor v, Tensor like, int width)
    {
        if (like.ndim == 2) return v;
        var shape = like.shape.ToArray();
        shape[1] = width;
        var channelsLast = new long[shape.Length];
        channelsLast[0] = shape[0];
        for (int i = 2; i < shape.Length; i++) channelsLast[i - 1] = shape[i];
        channelsLast[^1] = width;
        return v.reshape(channelsLast).permute([0, shape.Length - 1, .. Enumerable.Range(1, shape.Length - 2).Select(i => (long)i)]);
    }
}
