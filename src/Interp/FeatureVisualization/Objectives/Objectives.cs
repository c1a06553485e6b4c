using System.Globalization;
using System.Text.Json.Nodes;
using Interp.FeatureVisualization.Facets;
using Interp.Units;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Objectives;

/// <summary>
/// The objectives of Lucid's <c>optvis.objectives</c>, as values that compose. Each gives one value per
/// image and a total reduced over the batch as Lucid reduces it (the rule: <see cref="Objective"/>'s
/// remarks). "Batch" variants apply to one image of the batch only (the others get 0).
/// </summary>
public static class Objectives
{
    static string Num(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>
    /// An objective of one <paramref name="kind"/>: its per-image values, and its total reduced by the kind's rule (or
    /// <paramref name="total"/>); restricted to image <paramref name="batch"/> when given.
    /// </summary>
    static Objective Atom(ObjectiveKind kind, string description, JsonObject spec, IEnumerable<string> layers, Func<ObjectiveContext, Tensor> evaluate, int? batch,
        Func<ObjectiveContext, Tensor>? total = null, bool needsGradients = false)
    {
        if (batch is { } b)
        {
            if (b < 0) throw new ArgumentOutOfRangeException(nameof(batch), b, "A batch index cannot be negative.");
            spec["batch"] = b;
            description = description.TrimEnd(')') + $", batch {b})";
            var inner = evaluate;
            Tensor Check(ObjectiveContext ctx) => b < ctx.Batch ? inner(ctx)
                : throw new ArgumentOutOfRangeException(nameof(batch), $"'{description}' targets image {b} but the batch has images 0..{ctx.Batch - 1}.");
            evaluate = ctx =>
            {
                var v = Check(ctx);
                var mask = zeros([ctx.Batch], dtype: v.dtype, device: v.device);
                mask[b] = 1;
                return v * mask;
            };
            // Lucid's batch variants evaluate the objective on image b alone: its value is the total.
            return new Objective(description, 3, spec, new HashSet<string>(layers), evaluate, ctx => Check(ctx)[b], needsGradients);
        }
        total ??= kind.Reduction switch
        {
            BatchReduction.Mean => ctx => evaluate(ctx).mean(),
            BatchReduction.Sum => ctx => evaluate(ctx).sum(),
            var r => throw new InvalidOperationException($"The kind '{kind.Name}' reduces by {r}, which needs its own total."),
        };
        return new Objective(description, 3, spec, new HashSet<string>(layers), evaluate, total, needsGradients);
    }

    static Tensor ChannelOf(Tensor act, Unit unit)
    {
        if (unit.Channel is not { } c) throw new ArgumentException($"'{unit}' names no channel; write e.g. '{unit.Layer}:0'.");
        unit.Validate(act.shape);
        return act.select(1, c);
    }

    /// <summary>
    /// One neuron: a channel at one spatial position (the centre when <paramref name="unit"/> has none,
    /// as in Lucid: position (H/2, W/2)).
    /// </summary>
    public static Objective Neuron(Unit unit, int? batch = null) =>
        Atom(NeuronKind, $"neuron({unit})", NeuronKind.Json(("unit", unit.ToString())), [unit.Layer], ctx =>
        {
            var ch = ChannelOf(ctx[unit.Layer], unit);
            if (ch.ndim != 3) throw new ArgumentException($"neuron({unit}) needs a spatial layer [N,C,H,W]; use channel() for [N,C] outputs.");
            var (y, x) = unit.Position is { } p ? (p.Y, p.X) : ((int)(ch.shape[1] / 2), (int)(ch.shape[2] / 2));
            return ch.select(1, y).select(1, x);
        }, batch);

    static readonly ObjectiveKind NeuronKind = new("neuron", "one channel at one spatial position (the centre by default)", BatchReduction.Sum,
        j => Neuron(j.Unit("unit"), j.Batch), () => Neuron("layer3:42@3,4"));

    /// <summary>A whole channel: its mean over all spatial positions.</summary>
    public static Objective Channel(Unit unit, int? batch = null) =>
        Atom(ChannelKind, $"channel({unit})", ChannelKind.Json(("unit", unit.ToString())), [unit.Layer], ctx =>
        {
            var ch = ChannelOf(ctx[unit.Layer], unit);
            return ch.ndim == 1 ? ch : ch.flatten(1).mean([1]);
        }, batch);

    static readonly ObjectiveKind ChannelKind = new("channel", "a whole channel: its mean over positions", BatchReduction.Mean,
        j => Channel(j.Unit("unit"), j.Batch), () => Channel("layer3:42", batch: 1));

    /// <summary>
    /// Different units in one batch, as Lucid's <c>sum(channel(layer, n_i, batch=i))</c>: image i maximizes the channel of
    /// <paramref name="units"/>[i] and nothing else, so one render of batch N gives N units' visualizations. Render it with
    /// <see cref="Rendering.RenderSpec.Batch"/> = N. The images are not those of N single renders (the random transforms are
    /// shared by the batch and the initial parameters are drawn in another order), but each is a render of its unit alone:
    /// image i's gradient comes from its own unit only.
    /// </summary>
    public static Objective Channels(IReadOnlyList<Unit> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        if (units.Count == 0) throw new ArgumentException("Give at least one unit: image i of the batch renders units[i].", nameof(units));
        var objective = Channel(units[0], batch: 0);
        for (int i = 1; i < units.Count; i++) objective += Channel(units[i], batch: i);
        return objective;
    }

    /// <summary>
    /// Lucid's direction objective: the dot product of the activation vector (over channels) with
    /// <paramref name="direction"/> at each position, times max(0.1, cos)^<paramref name="cossimPow"/>,
    /// averaged over positions.
    /// </summary>
    public static Objective Direction(string layer, float[] direction, double cossimPow = 0, int? batch = null) =>
        Atom(DirectionKind, $"direction({layer}, {RequireDirection(direction).Length}-d{(cossimPow != 0 ? $", cos^{Num(cossimPow)}" : "")})",
            DirectionKind.Json(("layer", layer), ("vector", new JsonArray(direction.Select(v => (JsonNode?)v).ToArray())), ("cossim_pow", cossimPow)),
            [layer], ctx => DotCos(ctx[layer], direction, cossimPow, cosineOnly: false), batch);

    static readonly ObjectiveKind DirectionKind = new("direction", "the activation vector's dot product with a direction, times a power of the cosine, over positions",
        BatchReduction.Mean, j => Direction(j.String("layer"), j.Floats("vector"), j.Number("cossim_pow"), j.Batch), () => Direction("layer2", [1, 0, 2], cossimPow: 1));

    /// <summary>The plain cosine similarity between the activation vector and <paramref name="direction"/>, averaged over positions.</summary>
    public static Objective DirectionCosine(string layer, float[] direction, int? batch = null) =>
        Atom(DirectionCosineKind, $"cosine({layer}, {RequireDirection(direction).Length}-d)",
            DirectionCosineKind.Json(("layer", layer), ("vector", new JsonArray(direction.Select(v => (JsonNode?)v).ToArray()))),
            [layer], ctx => DotCos(ctx[layer], direction, 0, cosineOnly: true), batch);

    static readonly ObjectiveKind DirectionCosineKind = new("direction_cosine", "the activation vector's cosine with a direction, over positions",
        BatchReduction.Mean, j => DirectionCosine(j.String("layer"), j.Floats("vector"), j.Batch), () => DirectionCosine("layer4", [0.5f, -1]));

    static float[] RequireDirection(float[] direction)
    {
        ArgumentNullException.ThrowIfNull(direction);
        if (direction.Length == 0) throw new ArgumentException("The direction vector is empty; give one component per channel of the layer.", nameof(direction));
        if (direction.Any(v => !float.IsFinite(v)))
            throw new ArgumentException($"The direction vector has a non-finite component at index {Array.FindIndex(direction, v => !float.IsFinite(v))}.", nameof(direction));
        if (direction.All(v => v == 0))
            throw new ArgumentException($"The direction vector is all zeros ({direction.Length} components), so every image would score 0; give a non-zero vector, e.g. a " +
                "one-hot vector for a single channel.", nameof(direction));
        return direction;
    }

    static Tensor DotCos(Tensor act, float[] direction, double cossimPow, bool cosineOnly)
    {
        if (act.shape[1] != direction.Length)
            throw new ArgumentException($"The direction has {direction.Length} components but the layer has {act.shape[1]} channels.");
        var x = act.ndim == 4 ? act.flatten(2).transpose(1, 2) : act.unsqueeze(1); // [N, P, C]
        var v = tensor(direction, dtype: x.dtype, device: x.device);
        var dot = (x * v).sum(-1);
        if (cossimPow == 0 && !cosineOnly) return dot.mean([1]);
        const double eps = 1e-4;
        var cos = dot / (x.norm(-1) + eps) / (v.norm() + eps);
        if (cosineOnly) return cos.mean([1]);
        return (dot * cos.clamp_min(0.1).pow(cossimPow)).mean([1]);
    }

    /// <summary>
    /// Lucid's diversity term: per-image Gram matrices of <paramref name="layer"/> (channels × channels),
    /// L2-normalized, and their pairwise similarities Σ_{j≠i} ⟨G_i, G_j⟩ / N. Subtract it (e.g.
    /// <c>channel − 100·diversity</c>) to make the images of a batch differ.
    /// </summary>
    /// <param name="layer">The layer whose Gram matrices are compared.</param>
    /// <param name="first">With <paramref name="count"/>: only images first … first + count − 1 take part (N = count; the others get 0),
    /// so one batch can hold several diverse groups, e.g. four images of each of several units.</param>
    /// <param name="count">The size of the group that starts at <paramref name="first"/> (at least 2).</param>
    public static Objective Diversity(string layer, int? first = null, int? count = null)
    {
        if (first.HasValue != count.HasValue)
            throw new ArgumentException("Give both first and count (a group of the batch) or neither (the whole batch).", first.HasValue ? nameof(count) : nameof(first));
        if (first is < 0) throw new ArgumentOutOfRangeException(nameof(first), first, "The group's first image cannot be negative.");
        if (count is < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "Diversity compares images with each other: a group needs at least 2.");
        var group = first is { } f ? $", images {f}–{f + count!.Value - 1}" : "";
        return Atom(DiversityKind, $"diversity({layer}{group})", DiversityKind.Json(("layer", layer), ("first", first), ("count", count)), [layer], ctx =>
        {
            var act = ctx[layer];
            long n = act.shape[0];
            if (first is { } start)
            {
                if (start + count!.Value > n)
                    throw new ArgumentOutOfRangeException(nameof(first), $"'diversity({layer}{group})' needs images {start}–{start + count.Value - 1} but the batch has " +
                        $"images 0..{n - 1}.");
                var part = GramSimilarity(act.narrow(0, start, count.Value));
                var before = zeros([start], dtype: part.dtype, device: part.device);
                var after = zeros([n - start - count.Value], dtype: part.dtype, device: part.device);
                return cat([before, part, after]);
            }
            return GramSimilarity(act);
        }, null);
    }

    /// <summary>Σ_{j≠i} ⟨G_i, G_j⟩ / N for each image i of <paramref name="act"/> [N, C, …], with G the L2-normalized Gram matrices.</summary>
    static Tensor GramSimilarity(Tensor act)
    {
        long n = act.shape[0];
        var flat = act.flatten(2);                                   // [N, C, P]
        var grams = flat.matmul(flat.transpose(1, 2)).flatten(1);    // [N, C·C]
        grams = grams / grams.norm(1, keepdim: true).clamp_min(1e-10);
        var sims = grams.matmul(grams.t());                          // [N, N]
        var offDiagonal = sims.sum(1) - sims.diagonal();
        return offDiagonal / n;
    }

    static readonly ObjectiveKind DiversityKind = new("diversity", "Lucid's diversity: pairwise similarity of the batch's (or a group's) normalized Gram matrices",
        BatchReduction.Sum, j => Diversity(j.String("layer"), j.OptionalInteger("first"), j.OptionalInteger("count")), () => Diversity("layer2"));

    /// <summary>
    /// Lucid's alignment penalty: mean squared difference of <paramref name="layer"/> between images
    /// 1…4 apart in the batch, divided by <paramref name="decayRatio"/>^distance, negated (maximize to align).
    /// Each pair's term is credited to its first image.
    /// </summary>
    public static Objective Alignment(string layer, double decayRatio = 2) =>
        Atom(AlignmentKind, $"alignment({layer}, {Num(decayRatio)})", AlignmentKind.Json(("layer", layer), ("decay_ratio", decayRatio)), [layer], ctx =>
        {
            var act = ctx[layer];
            long n = act.shape[0];
            var result = zeros([n], dtype: act.dtype, device: act.device);
            for (int d = 1; d <= 4; d++)
                for (int i = 0; i + d < n; i++)
                {
                    var diff = (act[i] - act[i + d]).pow(2).mean() / Math.Pow(decayRatio, d);
                    var onehot = zeros([n], dtype: act.dtype, device: act.device);
                    onehot[i] = 1;
                    result = result - onehot * diff;
                }
            return result;
        }, null);

    static readonly ObjectiveKind AlignmentKind = new("alignment", "Lucid's alignment penalty between images 1…4 apart in the batch, negated",
        BatchReduction.Sum, j => Alignment(j.String("layer"), j.Number("decay_ratio")), () => Alignment("layer2", 3));

    /// <summary>
    /// Interpolates between two objectives across the batch: image i of N maximizes
    /// (1 − i/(N−1))·<paramref name="from"/> + i/(N−1)·<paramref name="to"/>.
    /// </summary>
    public static Objective Interpolate(Objective from, Objective to)
    {
        Tensor Evaluate(ObjectiveContext ctx)
        {
            long n = ctx.Batch;
            var w = n == 1 ? zeros([1], dtype: ctx.Input.dtype) : linspace(0, 1, n, dtype: ctx.Input.dtype);
            w = w.to(ctx.Input.device);
            return (1 - w) * from.Evaluate(ctx) + w * to.Evaluate(ctx);
        }
        return new($"interpolate({from}, {to})", 3, InterpolateKind.Json(("from", from.Spec.DeepClone()), ("to", to.Spec.DeepClone())),
            new HashSet<string>([.. from.Layers, .. to.Layers]), Evaluate, ctx => Evaluate(ctx).sum(), from.NeedsGradients || to.NeedsGradients);
    }

    static readonly ObjectiveKind InterpolateKind = new("interpolate", "two objectives blended across the batch, image i of N at weight i/(N−1)",
        BatchReduction.Sum, j => Interpolate(j.Objective("from"), j.Objective("to")), () => Interpolate(Channel("layer3:1"), Channel("layer3:2")));

    /// <summary>
    /// The facet term of faceted feature visualization (Goh et al. 2021): Σ <paramref name="facet"/> ⊙ a ⊙ relu(∂t/∂a)
    /// over the facet's layer a, where t is <paramref name="target"/> and its gradient is held constant
    /// (<c>stop_gradient</c>). "Activation × gradient" is t's linear attribution to a, so the term rewards images that
    /// excite the target <i>through</i> the units the facet weights up. Add it to the target:
    /// <c>channel(u) + Facet(channel(u), words)</c>. Image i of N is weighted by <paramref name="strength"/>, or by
    /// linspace(<paramref name="strength"/>, <paramref name="strengthTo"/>, N)[i] when <paramref name="strengthTo"/> is
    /// given, so one batch can show the facet growing.
    /// </summary>
    /// <remarks>
    /// As OpenAI's <c>attr</c> objective in CLIP-featurevis (<c>example_facets.py</c>) and captum.optim's
    /// <c>FacetLoss</c>: the total takes t's gradient of its own total and sums over the batch; channel weights ([C])
    /// multiply the attribution summed over positions, spatial weights ([C, H, W]) multiply it position by position.
    /// Differences: spatial weights of another map size are resized bilinearly with <c>align_corners=false</c> (CLIP-featurevis
    /// uses TensorFlow's bilinear resize, captum.optim nearest); per image (<see cref="Objective.Evaluate"/>) the
    /// gradient is that of t's value for that image alone, so an image's score does not depend on the batch size.
    /// </remarks>
    public static Objective Facet(Objective target, Facet facet, double strength = 1, double? strengthTo = null, int? batch = null)
    {
        ArgumentNullException.ThrowIfNull(facet);
        RequireAttributionTarget(target, facet.Layer);
        if (!double.IsFinite(strength)) throw new ArgumentOutOfRangeException(nameof(strength), strength, "The strength must be a finite number.");
        if (strengthTo is { } to && !double.IsFinite(to)) throw new ArgumentOutOfRangeException(nameof(strengthTo), to, "The strength must be a finite number.");

        Tensor Strengths(ObjectiveContext ctx) => strengthTo is { } end && ctx.Batch > 1
            ? linspace(strength, end, ctx.Batch, dtype: float32, device: ctx.Input.device)
            : full([ctx.Batch], strength, dtype: float32, device: ctx.Input.device);
        Tensor PerImage(ObjectiveContext ctx, Tensor targetValue)
        {
            var attribution = Attribution(ctx, targetValue, facet.Layer);
            return (attribution * facet.WeightsFor(attribution)).flatten(1).sum(1) * Strengths(ctx);
        }
        var spec = FacetKind.Json(("target", target.Spec.DeepClone()), ("name", facet.Name), ("layer", facet.Layer),
            ("shape", new JsonArray(facet.Shape.Select(d => (JsonNode?)d).ToArray())),
            ("weights", new JsonArray(facet.Weights.Select(v => (JsonNode?)v).ToArray())),
            ("strength", strength), ("strength_to", strengthTo));
        var strengthText = strengthTo is { } t2 ? $"{Num(strength)}…{Num(t2)}" : Num(strength);
        return Atom(FacetKind, $"facet({facet}, {target}, ×{strengthText})", spec, [.. target.Layers, facet.Layer],
            ctx => PerImage(ctx, target.Evaluate(ctx).sum()), batch,
            total: ctx => PerImage(ctx, target.Total(ctx)).sum(), needsGradients: true);
    }

    static readonly ObjectiveKind FacetKind = new("facet", "Goh et al.'s facet term: facet weights ⊙ activation ⊙ relu(gradient of the target), the gradient held constant",
        BatchReduction.Sum, j => Facet(j.Objective("target"), j.Facet(), j.Number("strength"), j.OptionalNumber("strength_to"), j.Batch),
        () => Facet(Channel("layer3:1"), new Facet("words", "layer2", [2], [1, -1]), 0, 5));

    /// <summary>
    /// Diversity of attribution (Goh et al. 2021's faceted method that needs no labels, as their appendix describes it): each image's
    /// attribution of <paramref name="target"/> to <paramref name="layer"/>, a ⊙ relu(∂t/∂a) summed over positions (a vector
    /// over channels, the gradient held constant), normalized; the value of image i is Σ_{j≠i} ⟨Âᵢ, Âⱼ⟩ / N. Subtract it
    /// (<c>t − k·AttributionDiversity(t, layer)</c>) to make the images of a batch excite the target through different
    /// lower units, not merely look different. Reduced over the batch by a sum, as <see cref="Diversity"/>.
    /// </summary>
    /// <remarks>The paper points to a Colab notebook for its implementation, which is not available here; this follows
    /// the appendix's words ("attribution = gradient ⊙ activation", "maximize the orthogonal components").</remarks>
    public static Objective AttributionDiversity(Objective target, string layer)
    {
        RequireAttributionTarget(target, layer);
        return Atom(AttributionDiversityKind, $"attribution_diversity({layer}, {target})", AttributionDiversityKind.Json(("target", target.Spec.DeepClone()), ("layer", layer)),
            [.. target.Layers, layer], ctx =>
            {
                var a = ctx[layer];
                if (a.ndim != 4) throw new ArgumentException($"attribution_diversity needs a spatial layer [N, C, H, W]; '{layer}' gave [{string.Join(", ", a.shape)}].");
                long n = a.shape[0];
                var attribution = Attribution(ctx, target.Evaluate(ctx).sum(), layer).sum([2, 3]);   // [N, C]
                var unit = attribution / attribution.norm(1, keepdim: true).clamp_min(1e-10);
                var sims = unit.matmul(unit.t());
                return (sims.sum(1) - sims.diagonal()) / n;
            }, null, needsGradients: true);
    }

    static readonly ObjectiveKind AttributionDiversityKind = new("attribution_diversity", "pairwise cosine of the batch's attribution vectors to a lower layer",
        BatchReduction.Sum, j => AttributionDiversity(j.Objective("target"), j.String("layer")), () => AttributionDiversity(Channel("layer3:1"), "layer2"));

    /// <summary>The checks both attribution objectives make of their target (a unit's objective that reads a model layer).</summary>
    static void RequireAttributionTarget(Objective target, string layer)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.NeedsGradients)
            throw new ArgumentException($"The target '{target}' is itself an attribution objective; give the unit's objective, e.g. Objectives.Channel(unit).", nameof(target));
        if (target.ModelLayers.Count == 0)
            throw new ArgumentException($"The target '{target}' reads no model layer, so it has no attribution to '{layer}'.", nameof(target));
    }

    /// <summary>Activation × relu(gradient of <paramref name="value"/>) at <paramref name="layer"/>, the gradient held constant: [N, C, H, W].</summary>
    static Tensor Attribution(ObjectiveContext ctx, Tensor value, string layer) =>
        ctx[layer] * nn.functional.relu(ctx.Gradient(value, layer));

    /// <summary>Σ|x − <paramref name="constant"/>| over <paramref name="layer"/> (default: the image). Subtract it to penalize.</summary>
    public static Objective L1(string layer = ObjectiveContext.InputLayer, double constant = 0, int? batch = null) =>
        Atom(L1Kind, $"L1({layer})", L1Kind.Json(("layer", layer), ("constant", constant)), [layer], ctx => (ctx[layer] - constant).abs().flatten(1).sum(1), batch);

    static readonly ObjectiveKind L1Kind = new("l1", "Σ|x − constant| over a layer (the image by default)", BatchReduction.Sum,
        j => L1(j.String("layer"), j.Number("constant"), j.Batch), () => L1(constant: 0.5));

    /// <summary>
    /// Lucid's L2: sqrt(ε + Σ(x − <paramref name="constant"/>)²) over <paramref name="layer"/>, ε = 1e-6, per image;
    /// its total takes one square root over the whole batch, as Lucid does. Subtract it to penalize.
    /// </summary>
    public static Objective L2(string layer = ObjectiveContext.InputLayer, double constant = 0, int? batch = null) =>
        Atom(L2Kind, $"L2({layer})", L2Kind.Json(("layer", layer), ("constant", constant)), [layer],
            ctx => ((ctx[layer] - constant).pow(2).flatten(1).sum(1) + 1e-6).sqrt(), batch,
            total: ctx => ((ctx[layer] - constant).pow(2).sum() + 1e-6).sqrt());

    static readonly ObjectiveKind L2Kind = new("l2", "Lucid's L2: √(ε + Σ(x − constant)²) over a layer", BatchReduction.RootOfSum,
        j => L2(j.String("layer"), j.Number("constant"), j.Batch), () => L2("layer1", 0.25));

    /// <summary>Total variation: Σ|x[y+1,x] − x[y,x]| + Σ|x[y,x+1] − x[y,x]| (TensorFlow's definition). Subtract it to penalize.</summary>
    public static Objective TotalVariation(string layer = ObjectiveContext.InputLayer, int? batch = null) =>
        Atom(TotalVariationKind, $"TV({layer})", TotalVariationKind.Json(("layer", layer)), [layer], ctx =>
        {
            var x = ctx[layer];
            var dy = (x[.., .., 1.., ..] - x[.., .., ..^1, ..]).abs().flatten(1).sum(1);
            var dx = (x[.., .., .., 1..] - x[.., .., .., ..^1]).abs().flatten(1).sum(1);
            return dy + dx;
        }, batch);

    static readonly ObjectiveKind TotalVariationKind = new("total_variation", "total variation: Σ of absolute differences between neighbouring pixels",
        BatchReduction.Sum, j => TotalVariation(j.String("layer"), j.Batch), () => TotalVariation(batch: 2));

    /// <summary>
    /// Lucid's <c>blur_input_each_step</c>: ½Σ(x − stop_gradient(blur(x)))², where blur is Lucid's
    /// <c>_tf_blur</c>: each channel convolved with a 3×3 kernel of 0.5 with 1 at the centre (zero padding),
    /// divided by the same convolution of ones, so borders are averaged over the pixels that exist.
    /// Subtracting it pulls the image towards its blurred self each step.
    /// </summary>
    public static Objective Blur(int? batch = null) =>
        Atom(BlurKind, "blur(input)", BlurKind.Json(), [ObjectiveContext.InputLayer], ctx =>
        {
            var x = ctx.Input;
            var blurred = LucidBlur(x.detach());
            return 0.5 * (x - blurred).pow(2).flatten(1).sum(1);
        }, batch);

    static readonly ObjectiveKind BlurKind = new("blur", "Lucid's blur_input_each_step: ½Σ(x − stop_gradient(blur(x)))²", BatchReduction.Sum,
        j => Blur(j.Batch), () => Blur());

    /// <summary>Lucid's <c>_tf_blur</c> with w = 3 on [N, C, H, W] (see <see cref="Blur"/>).</summary>
    public static Tensor LucidBlur(Tensor x)
    {
        using var scope = NewDisposeScope();
        var kernel = full([1, 1, 3, 3], 0.5, dtype: x.dtype, device: x.device);
        kernel[0, 0, 1, 1] = tensor(1.0, dtype: x.dtype, device: x.device);
        var k = kernel.expand(x.shape[1], 1, 3, 3);
        var num = nn.functional.conv2d(x, k, padding: [1, 1], groups: x.shape[1]);
        var den = nn.functional.conv2d(ones_like(x), k, padding: [1, 1], groups: x.shape[1]);
        return (num / den).MoveToOuterDisposeScope();
    }

    /// <summary>Parses Lucid's shorthand <c>"layer:n"</c> as <see cref="Channel"/>.</summary>
    public static Objective Parse(string shorthand) => Channel(Unit.Parse(shorthand));
}
