using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Transformers;

/// <summary>
/// A ViT's image embedding written as a sum of the direct contributions of its components (Gandelsman et al.'s decomposition):
/// the class token's residual stream after the last block is the embedding at the class position (<c>embed</c>: after
/// <c>ln_pre</c>), plus each head's output there, each attention output bias and each MLP's output; <c>ln_post</c> with its scale
/// frozen at the value the real input gives is linear, so each term maps to the embedding space on its own, and the terms plus
/// <c>ln_post</c>'s bias through the projection sum to the embedding. Each head's term further splits by the patch it reads
/// (<see cref="HeadsByToken"/>). Dispose to free the tensors.
/// </summary>
public sealed class EmbeddingDecomposition : IDisposable
{
    internal EmbeddingDecomposition(IReadOnlyList<string> names, Tensor terms, Tensor bias, Tensor headsByToken, Tensor embeddings, int layers, int heads)
    {
        Names = names;
        Terms = terms;
        Bias = bias;
        HeadsByToken = headsByToken;
        Embeddings = embeddings;
        Layers = layers;
        Heads = heads;
    }

    /// <summary>The components, in order: <c>embed</c>, then for each block <c>blocks.{l}.attn.head{h}</c> …, <c>blocks.{l}.attn.bias</c>, <c>blocks.{l}.mlp</c>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Each component's contribution to the embedding [N, components, D].</summary>
    public Tensor Terms { get; }

    /// <summary>The part no component owns: <c>ln_post</c>'s bias through the projection [D].</summary>
    public Tensor Bias { get; }

    /// <summary>Each head's contribution split by the token it reads [N, layers, heads, tokens, D] (token 0 is the class token).</summary>
    public Tensor HeadsByToken { get; }

    /// <summary>The model's own image embeddings [N, D], from the same forward pass.</summary>
    public Tensor Embeddings { get; }

    /// <summary>Blocks.</summary>
    public int Layers { get; }

    /// <summary>Heads per block.</summary>
    public int Heads { get; }

    /// <summary>The index in <see cref="Names"/> of head <paramref name="head"/> of block <paramref name="layer"/>.</summary>
    public int HeadIndex(int layer, int head)
    {
        if (layer < 0 || layer >= Layers || head < 0 || head >= Heads)
            throw new ArgumentOutOfRangeException(nameof(head), $"Head {layer}.{head} does not exist: blocks 0–{Layers - 1}, heads 0–{Heads - 1}.");
        return 1 + layer * (Heads + 2) + head;
    }

    /// <summary>The terms and the bias summed [N, D]: equal to <see cref="Embeddings"/> up to rounding.</summary>
    public Tensor Sum() => Terms.sum(1) + Bias;

    /// <summary>
    /// Each component's direct effect on the zero-shot logits [N, components, K] against L2-normalized class embeddings
    /// <paramref name="classEmbeddings"/> — [K, D] shared by all pictures, or [N, K, D], one set per picture (e.g. the colour prompts
    /// of each picture's own shape) — at temperature <paramref name="logitScale"/>: the embedding's norm is frozen as <c>ln_post</c>'s
    /// scale is, so the effects plus <see cref="BiasLogits"/> sum to the model's logits.
    /// </summary>
    public Tensor Logits(Tensor classEmbeddings, double logitScale)
    {
        RequireClasses(classEmbeddings);
        using var scope = NewDisposeScope();
        var norm = Embeddings.norm(1, keepdim: true).unsqueeze(-1);                                      // [N, 1, 1]
        return (Terms.matmul(classEmbeddings.transpose(-1, -2)) * logitScale / norm).MoveToOuterDisposeScope();
    }

    /// <summary>The bias's share of the logits [N, K] (see <see cref="Logits"/>; the same two shapes of class embeddings).</summary>
    public Tensor BiasLogits(Tensor classEmbeddings, double logitScale)
    {
        RequireClasses(classEmbeddings);
        using var scope = NewDisposeScope();
        var norm = Embeddings.norm(1, keepdim: true);
        var perClass = classEmbeddings.ndim == 2 ? Bias.matmul(classEmbeddings.t()).unsqueeze(0) : classEmbeddings.matmul(Bias);
        return (perClass * logitScale / norm).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Each component's mean direct effect on the correct class's logit over the mean of all K logits (what a component adds to every
    /// class alike does not choose one): one value per entry of <see cref="Names"/>, averaged over the pictures, whose classes are
    /// <paramref name="labels"/> (0 … K − 1). Class embeddings and temperature as for <see cref="Logits"/>.
    /// </summary>
    public double[] Margins(Tensor classEmbeddings, double logitScale, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        RequireClasses(classEmbeddings);
        long n = Embeddings.shape[0], k = classEmbeddings.shape[^2];
        if (labels.Count != n)
            throw new ArgumentException($"{labels.Count} labels for {n} pictures: give one class index per picture.", nameof(labels));
        foreach (var label in labels)
            if (label < 0 || label >= k)
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"Label {label} is not a class: classes are 0–{k - 1}.");
        using var scope = NewDisposeScope();
        var logits = Logits(classEmbeddings, logitScale);                                                 // [N, C, K]
        var index = tensor(labels.Select(l => (long)l).ToArray(), device: logits.device).view(-1, 1, 1).expand(-1, logits.shape[1], 1);
        var margin = (logits.gather(2, index).squeeze(2) - logits.mean([2])).mean([0]).to(ScalarType.Float64);
        return margin.data<double>().ToArray();
    }

    /// <summary>
    /// Where head <paramref name="head"/> of block <paramref name="layer"/> reads on each picture: the share of the size (L2 norm) of its
    /// term, summed over the patch tokens, that comes from the patches marked in <paramref name="patches"/> (bool [N, patches], row-major
    /// over the grid; the class token is left out). A head reading every patch alike gives the marked patches' share of the grid.
    /// </summary>
    public double[] ReadShare(int layer, int head, Tensor patches)
    {
        HeadIndex(layer, head);
        ArgumentNullException.ThrowIfNull(patches);
        long n = HeadsByToken.shape[0], count = HeadsByToken.shape[3] - 1;
        if (patches.dtype != ScalarType.Bool || patches.ndim != 2 || patches.shape[0] != n || patches.shape[1] != count)
            throw new ArgumentException(
                $"The patch mask must be bool [{n}, {count}] (pictures, patches without the class token); got {patches.dtype} [{string.Join(", ", patches.shape)}].",
                nameof(patches));
        using var scope = NewDisposeScope();
        var sizes = HeadsByToken[.., layer, head, 1..].pow(2).sum(-1).sqrt().to(ScalarType.Float64);          // [N, patches]
        var share = (sizes * patches.to(ScalarType.Float64)).sum(1) / sizes.sum(1);
        return share.data<double>().ToArray();
    }

    void RequireClasses(Tensor classEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(classEmbeddings);
        long n = Embeddings.shape[0], d = Embeddings.shape[1];
        bool shared = classEmbeddings.ndim == 2 && classEmbeddings.shape[1] == d;
        bool perPicture = classEmbeddings.ndim == 3 && classEmbeddings.shape[0] == n && classEmbeddings.shape[2] == d;
        if (!shared && !perPicture || classEmbeddings.shape[^2] < 1)
            throw new ArgumentException($"Class embeddings must be [K, {d}] (shared) or [{n}, K, {d}] (one set per picture); got [{string.Join(", ", classEmbeddings.shape)}].",
                nameof(classEmbeddings));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Terms.Dispose();
        Bias.Dispose();
        HeadsByToken.Dispose();
        Embeddings.Dispose();
    }
}

/// <summary>Direct logit attribution for a vision transformer: <see cref="Decompose"/> and the logit lens (<see cref="LogitLens"/>).</summary>
public static class DirectLogitAttribution
{
    /// <summary>
    /// Decomposes the image embeddings of <paramref name="images"/> (as <paramref name="model"/> takes them) into the direct
    /// contributions of every component of its ViT tower (<see cref="EmbeddingDecomposition"/>), from one forward pass.
    /// </summary>
    public static EmbeddingDecomposition Decompose(HookedModel model, Tensor images)
    {
        var vit = VitLayout.Of(model);
        var tower = vit.Tower;
        int layers = vit.Layers, heads = vit.Heads, d = tower.Settings.HeadWidth, width = tower.Settings.Width;
        var wanted = new List<string> { vit.Name(0, "hook_resid_pre"), vit.Name(layers - 1, "hook_resid_post") };
        for (int l = 0; l < layers; l++)
            wanted.AddRange([vit.Name(l, "hook_resid_mid"), vit.Name(l, "hook_resid_post"), vit.Name(l, "attn.hook_pattern"), vit.Name(l, "attn.hook_v")]);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var cache = model.RunWithCache(images, wanted.Distinct());
        var final = cache[vit.Name(layers - 1, "hook_resid_post")].select(1, 0);                        // [N, W]
        var ln = tower.LnPost;
        var sigma = (final.var(1, unbiased: false, keepdim: true) + ln.eps).sqrt();                     // ln_post's scale, frozen
        var proj = tower.Projection;
        Tensor Through(Tensor x) => ((x - x.mean([-1], keepdim: true)) / sigma.view([sigma.shape[0], .. Enumerable.Repeat(1L, (int)x.ndim - 2), 1]) * ln.weight!).matmul(proj);

        var names = new List<string> { "embed" };
        var terms = new List<Tensor> { cache[vit.Name(0, "hook_resid_pre")].select(1, 0) };
        var byToken = new List<Tensor>();
        for (int l = 0; l < layers; l++)
        {
            var attention = tower.Blocks[l].Attention.Maps.O;
            var pattern = cache[vit.Name(l, "attn.hook_pattern")].select(2, 0);                         // [N, H, T]: what the class token reads
            var v = cache[vit.Name(l, "attn.hook_v")];                                                  // [N, T, H, d]
            var perHead = attention.weight!.view(width, heads, d).permute(1, 2, 0);                     // [H, d, W]
            // Head h's output at the class token from token s: pattern[h, s] · v[s, h] W_O,h.
            var read = (pattern.unsqueeze(-1) * v.permute(0, 2, 1, 3)).unsqueeze(-2).matmul(perHead.unsqueeze(1)).squeeze(-2);   // [N, H, T, W]
            byToken.Add(read);
            for (int h = 0; h < heads; h++)
            {
                names.Add($"blocks.{l}.attn.head{h}");
                terms.Add(read[.., h].sum(1));
            }
            names.Add($"blocks.{l}.attn.bias");
            terms.Add(attention.bias!.unsqueeze(0).expand(final.shape[0], -1));
            names.Add($"blocks.{l}.mlp");
            terms.Add(cache[vit.Name(l, "hook_resid_post")].select(1, 0) - cache[vit.Name(l, "hook_resid_mid")].select(1, 0));
        }
        var stacked = Through(stack(terms, 1));                                                         // [N, C, D]
        var tokens = Through(stack(byToken, 1));                                                        // [N, L, H, T, D]
        var bias = ln.bias!.matmul(proj);
        var embeddings = cache.Output.detach();
        return new EmbeddingDecomposition(names, stacked.MoveToOuterDisposeScope(), bias.MoveToOuterDisposeScope(), tokens.MoveToOuterDisposeScope(),
            embeddings.clone().MoveToOuterDisposeScope(), layers, heads);
    }
}
