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
        var names = Enumerable.Range(0, vit.Layers).Select(l => vit.Name(l, "attn.hook_result")).ToList();
        return Patch(model, clean, corrupted, metric, names, vit.Heads, (edited, source, head) => edited[.., .., head] = source[.., .., head]);
    }

    /// <summary>
    /// The metric after patching the residual stream entering each block at each token, [layers, tokens] (token 0 is the class
    /// token, then the patches row by row): <c>hook_resid_pre</c> of block l at token t taken from the clean run.
    /// </summary>
    public static double[,] ByPosition(HookedModel model, Tensor clean, Tensor corrupted, Func<Tensor, double> metric)
    {
        var vit = VitLayout.Of(model);
        var names = Enumerable.Range(0, vit.Layers).Select(l => vit.Name(l, "hook_resid_pre")).ToList();
        return Patch(model, clean, corrupted, metric, names, vit.Tower.Settings.Tokens, (edited, source, token) => edited[.., token] = source[.., token]);
    }

    /// <summary>
    /// For each hook name and each index 0 … <paramref name="count"/> − 1: the metric of the corrupted run with <paramref name="put"/>
    /// copying that part of the activation from the clean run.
    /// </summary>
    static double[,] Patch(HookedModel model, Tensor clean, Tensor corrupted, Func<Tensor, double> metric, IReadOnlyList<string> names, int count,
        Action<Tensor, Tensor, int> put)
    {
        RequirePairs(clean, corrupted);
        using var _ = no_grad();
        using var cache = model.RunWithCache(clean, names);
        var result = new double[names.Count, count];
        for (int l = 0; l < names.Count; l++)
            for (int i = 0; i < count; i++)
            {
                var source = cache[names[l]];
                int index = i;
                using var scope = NewDisposeScope();
                var output = model.RunWithHooks(corrupted, (names[l], t =>
                {
                    var edited = t.clone();
                    put(edited, source, index);
                    return edited;
                }));
                result[l, i] = metric(output);
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
