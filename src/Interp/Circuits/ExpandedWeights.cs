using Interp.Hooks;
using Interp.Units;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Circuits;

/// <summary>
/// The expanded weights from every channel of one layer to one unit of a later layer: <see cref="Weights"/>[c, dy, dx] is
/// the unit's change per unit change of channel c at row <see cref="Top"/> + dy, column <see cref="Left"/> + dx of the
/// earlier layer's map, with every ReLU in between taken as the identity ("Visualizing Weights", Voss et al., 2021).
/// </summary>
public sealed record ExpandedWeight(string From, Unit To, int Top, int Left, Tensor Weights) : IDisposable
{
    /// <summary>The input channels ordered by the size (L2 norm) of their kernel, strongest first, with that norm.</summary>
    public IReadOnlyList<(int Channel, double Norm)> Strongest(int count)
    {
        using var norms = Weights.to(float64).flatten(1).norm(1);
        var values = norms.data<double>().ToArray();
        return [.. values.Select((v, c) => (c, v)).OrderByDescending(p => p.v).Take(count)];
    }

    /// <inheritdoc/>
    public void Dispose() => Weights.Dispose();
}

/// <summary>
/// Computes expanded weights by one backward pass through the model with its ReLUs made the identity. Batch norm (in
/// eval mode), convolutions, residual additions and average pooling are affine, so the result does not depend on the
/// input; the computation checks this on two random inputs and refuses (naming the cause) when something in between is
/// not linear, e.g. max pooling or a ReLU applied as a function rather than a module.
/// </summary>
public static class ExpandedWeights
{
    /// <summary>The expanded weights from <paramref name="from"/> to <paramref name="to"/> (a channel; the map's centre unless a position is given).</summary>
    public static ExpandedWeight Between(HookedModel model, string from, Unit to, int? inputSize = null)
    {
        int size = inputSize ?? model.Input.Size;
        model.RequireLayer(from);
        model.RequireLayer(to.Layer);
        if (to.Channel is not { } channel) throw new ArgumentException($"'{to}' names no channel; expanded weights go to one channel, e.g. '{to.Layer}:0'.", nameof(to));
        var toShape = model.Layer(to.Layer, size).Shape;
        to.Validate(toShape);
        int y = to.Position?.Y ?? (int)toShape[2] / 2, x = to.Position?.X ?? (int)toShape[3] / 2;

        using var first = Gradient(model, from, to.Layer, channel, y, x, size, seed: 1);
        using var second = Gradient(model, from, to.Layer, channel, y, x, size, seed: 2);
        double scale, gap;
        using (NewDisposeScope())
        {
            scale = Math.Max(first.abs().max().item<double>(), 1e-30);
            gap = (first - second).abs().max().item<double>() / scale;
        }
        if (gap > 1e-4)
            throw new InvalidOperationException($"Between '{from}' and '{to.Layer}' the model is not linear once its ReLU modules are the identity " +
                $"(the weights differ by {gap:P2} between two inputs): something else in between is non-linear, e.g. max pooling or a ReLU called as a function.");

        // Crop to the rows and columns where some channel has a non-zero weight.
        using var scope = NewDisposeScope();
        var any = first.abs().sum([0]) > 0;
        var rows = any.any(1).nonzero().flatten();
        var cols = any.any(0).nonzero().flatten();
        if (rows.numel() == 0) throw new InvalidOperationException($"'{to}' does not depend on '{from}' at all.");
        int top = (int)rows.min().item<long>(), bottom = (int)rows.max().item<long>(), left = (int)cols.min().item<long>(), right = (int)cols.max().item<long>();
        var weights = first[.., TensorIndex.Slice(top, bottom + 1), TensorIndex.Slice(left, right + 1)].to(float32).contiguous();
        return new ExpandedWeight(from, to with { Position = new SpatialPosition(y, x) }, top, left, weights.MoveToOuterDisposeScope());
    }

    static Tensor Gradient(HookedModel model, string from, string toLayer, int channel, int y, int x, int size, int seed)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        using var frozen = model.FreezeWeights();
        Tensor? leaf = null;
        var handles = new List<HookHandle>();
        try
        {
            // Every ReLU but `from` itself (whose output the leaf replaces) passes its input through.
            foreach (var relu in model.LayersOfType<ReLU>().Where(r => r != from))
                handles.Add(model.HookInputOutput(relu, (input, _) => input));
            // The leaf outlives the forward pass's own dispose scope; it is freed below.
            handles.Add(model.Hook(from, t =>
            {
                leaf = t.detach().requires_grad_(true).DetachFromDisposeScope();
                return leaf.alias();   // a container (e.g. Sequential) may free what a layer returns; the leaf stays ours
            }));
            var image = rand([1, 3, size, size], generator: new Generator().manual_seed(seed)).to(model.Dtype);
            using var cache = model.RunWithCache(image, [toLayer], detach: false, stopEarly: true);
            if (leaf is null)
                throw new ArgumentException($"'{from}' did not run before '{toLayer}' in the forward pass; expanded weights go from an earlier layer to a later one.",
                    nameof(from));
            var target = cache[toLayer][0, channel, y, x];
            // libtorch aborts the process rather than throwing when asked for the gradient of a constant: check first.
            if (!target.requires_grad)
                throw new ArgumentException($"'{toLayer}' does not depend on '{from}': '{from}' must come before it on a path through the model.", nameof(from));
            var g = autograd.grad([target], [leaf], allow_unused: true)[0];
            if (g is null || g.IsInvalid)
                throw new ArgumentException($"'{toLayer}' does not depend on '{from}': '{from}' must come before it on a path through the model.", nameof(from));
            return g[0].to(float64).DetachFromDisposeScope();
        }
        finally
        {
            foreach (var h in handles) h.Dispose();
            leaf?.Dispose();
        }
    }
}
