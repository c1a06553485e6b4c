using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Transformers;

/// <summary>
/// Activation patching on a ViT (as in TransformerLens / Prisma): run the <em>corrupted</em> input with one activation taken from
/// the <em>clean</em> run, and measure how much of the clean behaviour comes back. By head: one head's <c>hook_result</c>; by
/// position: the residual stream entering a block at one token. The metric sees the patched run's output (image embeddings);
/// every hook is removed after each run, also when one throws.
/// </summary>
public static class ActivationPatching
{
    /// <summary>
    /// The metric after patching each head, [layers, heads]: head (l, h)'s output in the corrupted run replaced by its output in
    /// the clean run. <paramref name="clean"/> and <paramref name="corrupted"/> must have the same shape (pairs, picture by picture).
    /// </summary>
    public static double[,] ByHead(HookedModel model, Tensor clean, Tensor corrupted, Func<Tensor, double> metric)
    {
        var vit = VitLayout.Of(model);
        RequirePairs(clean, corrupted);
        var names = Enumerable.Range(0, vit.Layers).Select(l => vit.Name(l, "attn.hook_result")).ToList();
        using var _ = no_grad();
        using var cache = model.RunWithCache(clean, names);
        var result = new double[vit.Layers, vit.Heads];
        for (int l = 0; l < vit.Layers; l++)
            for (int h = 0; h < vit.Heads; h++)
            {
                var source = cache[names[l]];
                int head = h;
                using var scope = NewDisposeScope();
                var output = model.RunWithHooks(corrupted, (names[l], t =>
                {
                    var edited = t.clone();
                    edited[.., .., head] = source[.., .., head];
                    return edited;
                }));
                result[l, h] = metric(output);
            }
        return result;
    }

    /// <summary>
    /// The metric after patching the residual stream entering each block at each token, [layers, tokens] (token 0 is the class
    /// token, then the patches row by row): <c>hook_resid_pre</c> of block l at token t taken from the clean run.
    /// </summary>
    public static double[,] ByPosition(HookedModel model, Tensor clean, Tensor corrupted, Func<Tensor, double> metric)
    {
        var vit = VitLayout.Of(model);
        RequirePairs(clean, corrupted);
        var names = Enumerable.Range(0, vit.Layers).Select(l => vit.Name(l, "hook_resid_pre")).ToList();
        using var _ = no_grad();
        using var cache = model.RunWithCache(clean, names);
        int tokens = vit.Tower.Settings.Tokens;
        var result = new double[vit.Layers, tokens];
        for (int l = 0; l < vit.Layers; l++)
            for (int t = 0; t < tokens; t++)
            {
                var source = cache[names[l]];
                int token = t;
                using var scope = NewDisposeScope();
                var output = model.RunWithHooks(corrupted, (names[l], x =>
                {
                    var edited = x.clone();
                    edited[.., token] = source[.., token];
                    return edited;
                }));
                result[l, t] = metric(output);
            }
        return result;
    }

    static void RequirePairs(Tensor clean, Tensor corrupted)
    {
        if (!clean.shape.SequenceEqual(corrupted.shape))
            throw new ArgumentException($"Patching pairs each clean picture with its corrupted one: shapes must match, got clean [{string.Join(", ", clean.shape)}] " +
                $"and corrupted [{string.Join(", ", corrupted.shape)}].", nameof(corrupted));
    }
}
