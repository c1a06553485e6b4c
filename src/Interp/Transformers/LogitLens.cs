using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Transformers;

/// <summary>
/// The logit lens on a ViT's class token: the residual stream at each depth read as if it were the last one — through
/// <c>ln_post</c> and the projection — gives an embedding per depth, which zero-shot classification can score. Depth 0 is the
/// stream before the first block (after <c>ln_pre</c>), depth l the stream after block l − 1; the last depth is the model's own
/// embedding. <see cref="TunedLens"/> is the comparison that learns a map per depth first.
/// </summary>
public static class LogitLens
{
    /// <summary>The class token's residual stream [depths, N, W] at every depth (<see cref="LogitLens"/>).</summary>
    public static Tensor Residuals(HookedModel model, Tensor images)
    {
        var vit = VitLayout.Of(model);
        var names = new List<string> { vit.Name(0, "hook_resid_pre") };
        names.AddRange(Enumerable.Range(0, vit.Layers).Select(l => vit.Name(l, "hook_resid_post")));
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var cache = model.RunWithCache(images, names, stopEarly: true);
        return stack(names.Select(n => cache[n].select(1, 0)).ToList()).MoveToOuterDisposeScope();
    }

    /// <summary>Residuals [..., W] read through the tower's <c>ln_post</c> and projection: embeddings [..., D].</summary>
    public static Tensor Read(HookedModel model, Tensor residuals)
    {
        var tower = VitLayout.Of(model).Tower;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return tower.LnPost.call(residuals).matmul(tower.Projection).MoveToOuterDisposeScope();
    }

    /// <summary>The plain lens: the embedding each depth would give, [depths, N, D].</summary>
    public static Tensor Embeddings(HookedModel model, Tensor images)
    {
        using var residuals = Residuals(model, images);
        return Read(model, residuals);
    }
}

/// <summary>
/// A tuned-lens-style comparison for <see cref="LogitLens"/> (after Belrose et al. 2023, fitted differently): for each depth an
/// affine map from that depth's class-token residual to the last depth's, fitted by least squares (float64, closed form, a small
/// ridge) on training pictures; the mapped residual is then read through <c>ln_post</c> and the projection. It asks whether the
/// information is there in a linearly decodable form even where the plain lens, which assumes the last layer's basis, fails.
/// </summary>
public sealed class TunedLens : IDisposable
{
    readonly Tensor _maps;   // [depths, W + 1, W]: the last row is the offset

    TunedLens(Tensor maps) => _maps = maps;

    /// <summary>Depths the lens has a map for (blocks + 1).</summary>
    public int Depths => (int)_maps.shape[0];

    /// <summary>Fits a map per depth on <paramref name="images"/>; <paramref name="ridge"/> is added to the normal equations' diagonal, relative to their mean.</summary>
    public static TunedLens Fit(HookedModel model, Tensor images, double ridge = 1e-4)
    {
        if (ridge < 0) throw new ArgumentOutOfRangeException(nameof(ridge), ridge, "The ridge must be 0 or more.");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var residuals = LogitLens.Residuals(model, images).to(float64);                                // [depths, N, W]
        if (images.shape[0] <= residuals.shape[2])
            throw new ArgumentException($"Fitting a {residuals.shape[2]}-wide map needs more pictures than that; got {images.shape[0]}.", nameof(images));
        var target = residuals[-1];
        var maps = new List<Tensor>();
        for (int depth = 0; depth < residuals.shape[0]; depth++)
        {
            var x = cat([residuals[depth], ones(residuals.shape[1], 1, dtype: float64)], 1);            // [N, W + 1]
            var gram = x.t().matmul(x);
            var regularized = gram + eye(gram.shape[0], dtype: float64) * (ridge * gram.diagonal().mean());
            maps.Add(linalg.solve(regularized, x.t().matmul(target)));
        }
        return new TunedLens(stack(maps).to(float32).MoveToOuterDisposeScope());
    }

    /// <summary>The tuned lens's embedding at each depth [depths, N, D].</summary>
    public Tensor Embeddings(HookedModel model, Tensor images)
    {
        using var scope = NewDisposeScope();
        var residuals = LogitLens.Residuals(model, images);
        if (residuals.shape[0] != Depths)
            throw new ArgumentException($"This lens was fitted on a tower with {Depths} depths; '{model.Name}' has {residuals.shape[0]}.", nameof(model));
        var mapped = residuals.matmul(_maps[.., ..^1]) + _maps[.., ^1].unsqueeze(1);
        return LogitLens.Read(model, mapped).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public void Dispose() => _maps.Dispose();
}
