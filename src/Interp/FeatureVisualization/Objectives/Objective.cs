using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Objectives;

/// <summary>
/// Something to maximize. Objectives have readable descriptions, compose with <c>+ − *</c> (by scalars
/// and by each other) and serialize to JSON and back. Build them with <see cref="Objectives"/>.
/// </summary>
/// <remarks>
/// <para><b>Two values, one rule.</b> <see cref="Evaluate"/> gives one value per image of the batch ([N]),
/// for comparing images. <see cref="Total"/> is the scalar the render loop maximizes, reduced over the
/// batch exactly as Lucid's objective of the same name is, so that a Lucid recipe with its weights keeps
/// Lucid's balance at any batch size:</para>
/// <list type="bullet">
/// <item>mean over the batch: <c>channel</c>, <c>direction</c>, <c>cosine</c> (Lucid's <c>reduce_mean</c> over all axes);</item>
/// <item>sum over the batch: <c>neuron</c> (Lucid returns a vector, which TensorFlow's gradient sums), <c>L1</c>,
/// <c>TV</c>, <c>blur</c>, <c>diversity</c> (Σᵢ Σⱼ≠ᵢ ⟨Gᵢ, Gⱼ⟩ / N, credited 1/N to each image), <c>alignment</c>
/// and <c>interpolate</c> (Lucid's <c>channel_interpolate</c> sums per-image means); <c>facet</c> and
/// <c>attribution_diversity</c> (CLIP-featurevis sums its facet term);</item>
/// <item><c>L2</c>: one square root over the whole batch, √(ε + Σ over every image);</item>
/// <item>an objective restricted to one image (<c>batch: b</c>): that image's value;</item>
/// <item>a constant c: c (once, not once per image).</item>
/// </list>
/// <para>Composition acts on totals as Lucid's does on its scalars: (a + b).Total = a.Total + b.Total,
/// (k·a).Total = k·a.Total, (a·b).Total = a.Total · b.Total; per image, a·b multiplies image by image.</para>
/// </remarks>
public sealed class Objective
{
    readonly Func<ObjectiveContext, Tensor> _evaluate;
    readonly Func<ObjectiveContext, Tensor> _total;

    internal Objective(string description, int precedence, JsonObject spec, IReadOnlySet<string> layers,
        Func<ObjectiveContext, Tensor> evaluate, Func<ObjectiveContext, Tensor> total, bool needsGradients = false)
    {
        Description = description;
        NeedsGradients = needsGradients;
        Precedence = precedence;
        Spec = spec;
        Layers = layers;
        _evaluate = evaluate;
        _total = total;
    }

    /// <summary>A readable form, e.g. <c>channel(layer3:42) − 100·diversity(layer4)</c>.</summary>
    public string Description { get; }
    /// <summary>1 for sums, 2 for products and scalings, 3 for atoms: decides where descriptions need parentheses.</summary>
    internal int Precedence { get; }
    /// <summary>The JSON form.</summary>
    internal JsonObject Spec { get; }
    /// <summary>The layers (and possibly <c>input</c>) the objective reads.</summary>
    public IReadOnlySet<string> Layers { get; }

    /// <summary>
    /// Whether evaluating the objective takes a gradient through the model (attribution objectives such as
    /// <see cref="Objectives.Facet"/>), so the forward pass must keep its graph even when only scoring.
    /// </summary>
    public bool NeedsGradients { get; }

    /// <summary>The model layers the objective reads (<see cref="Layers"/> without <c>input</c>): what a forward pass must cache.</summary>
    public IReadOnlyList<string> ModelLayers => [.. Layers.Where(l => l != ObjectiveContext.InputLayer)];

    /// <summary>The objective's value for each image of the batch, [N].</summary>
    public Tensor Evaluate(ObjectiveContext context)
    {
        var v = _evaluate(context);
        if (v.ndim != 1 || v.shape[0] != context.Batch)
            throw new InvalidOperationException($"Objective '{Description}' returned shape [{string.Join(",", v.shape)}]; objectives return one value per image, " +
                $"[{context.Batch}].");
        return v;
    }

    /// <summary>The scalar the render loop maximizes: the batch reduced as Lucid does (see the remarks on <see cref="Objective"/>).</summary>
    public Tensor Total(ObjectiveContext context)
    {
        var v = _total(context);
        if (v.ndim != 0)
            throw new InvalidOperationException($"Objective '{Description}' returned a total of shape [{string.Join(",", v.shape)}]; a total is a scalar.");
        return v;
    }

    /// <inheritdoc/>
    public override string ToString() => Description;

    string Wrapped(int precedence) => Precedence < precedence ? $"({Description})" : Description;

    static string Num(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>The sum of two objectives.</summary>
    public static Objective operator +(Objective a, Objective b) =>
        new($"{a.Description} + {b.Wrapped(2)}", 1, AddKind.Json(("left", a.Spec.DeepClone()), ("right", b.Spec.DeepClone())),
            Union(a, b), ctx => a.Evaluate(ctx) + b.Evaluate(ctx), ctx => a.Total(ctx) + b.Total(ctx), a.NeedsGradients || b.NeedsGradients);

    /// <summary>The difference of two objectives.</summary>
    public static Objective operator -(Objective a, Objective b) =>
        new($"{a.Description} − {b.Wrapped(2)}", 1, SubtractKind.Json(("left", a.Spec.DeepClone()), ("right", b.Spec.DeepClone())),
            Union(a, b), ctx => a.Evaluate(ctx) - b.Evaluate(ctx), ctx => a.Total(ctx) - b.Total(ctx), a.NeedsGradients || b.NeedsGradients);

    /// <summary>The product of two objectives: image by image in <see cref="Evaluate"/>, of the totals in <see cref="Total"/> (as Lucid).</summary>
    public static Objective operator *(Objective a, Objective b) =>
        new($"{a.Wrapped(2)}·{b.Wrapped(3)}", 2, MultiplyKind.Json(("left", a.Spec.DeepClone()), ("right", b.Spec.DeepClone())),
            Union(a, b), ctx => a.Evaluate(ctx) * b.Evaluate(ctx), ctx => a.Total(ctx) * b.Total(ctx), a.NeedsGradients || b.NeedsGradients);

    /// <summary>An objective scaled by a number.</summary>
    public static Objective operator *(double k, Objective a) =>
        new($"{Num(k)}·{a.Wrapped(3)}", 2, ScaleKind.Json(("factor", k), ("of", a.Spec.DeepClone())), a.Layers, ctx => a.Evaluate(ctx) * k, ctx => a.Total(ctx) * k,
            a.NeedsGradients);

    /// <summary>An objective scaled by a number.</summary>
    public static Objective operator *(Objective a, double k) => k * a;

    /// <summary>An objective divided by a number.</summary>
    public static Objective operator /(Objective a, double k) =>
        k == 0 ? throw new DivideByZeroException($"Cannot divide objective '{a.Description}' by zero.") : (1 / k) * a;

    /// <summary>The negated objective.</summary>
    public static Objective operator -(Objective a) =>
        new($"−{a.Wrapped(3)}", 2, ScaleKind.Json(("factor", -1.0), ("of", a.Spec.DeepClone())), a.Layers, ctx => -a.Evaluate(ctx), ctx => -a.Total(ctx), a.NeedsGradients);

    /// <summary>An objective plus a constant.</summary>
    public static Objective operator +(Objective a, double c) => a + Constant(c);
    /// <summary>A constant plus an objective.</summary>
    public static Objective operator +(double c, Objective a) => Constant(c) + a;
    /// <summary>An objective minus a constant.</summary>
    public static Objective operator -(Objective a, double c) => a - Constant(c);
    /// <summary>A constant minus an objective.</summary>
    public static Objective operator -(double c, Objective a) => Constant(c) - a;

    /// <summary>The constant objective <paramref name="c"/> for every image.</summary>
    public static Objective Constant(double c) =>
        new(Num(c), 3, ConstantKind.Json(("value", c)), new HashSet<string>(),
            ctx => full([ctx.Batch], c, dtype: ctx.Input.dtype, device: ctx.Input.device), ctx => tensor(c, dtype: ctx.Input.dtype, device: ctx.Input.device));

    static HashSet<string> Union(Objective a, Objective b) => [.. a.Layers, .. b.Layers];

    static readonly ObjectiveKind AddKind = new("add", "the sum of two objectives", BatchReduction.OfParts,
        j => j.Objective("left") + j.Objective("right"), () => Objectives.Channel("layer3:1") + Objectives.Channel("layer2:2"));
    static readonly ObjectiveKind SubtractKind = new("subtract", "the difference of two objectives", BatchReduction.OfParts,
        j => j.Objective("left") - j.Objective("right"), () => Objectives.Channel("layer3:1") - Objectives.TotalVariation());
    static readonly ObjectiveKind MultiplyKind = new("multiply", "the product of two objectives (image by image; of the totals)", BatchReduction.OfParts,
        j => j.Objective("left") * j.Objective("right"), () => Objectives.Channel("layer3:1") * Objectives.Channel("layer3:2"));
    static readonly ObjectiveKind ScaleKind = new("scale", "an objective times a number", BatchReduction.OfParts,
        j => j.Number("factor") == -1 ? -j.Objective("of") : j.Number("factor") * j.Objective("of"), () => -(2.5 * Objectives.Channel("layer3:1")));
    static readonly ObjectiveKind ConstantKind = new("constant", "a number, the same for every image", BatchReduction.Once,
        j => Constant(j.Number("value")), () => Constant(1.5));

    /// <summary>The JSON form (stable field names; see <see cref="FromJson"/>).</summary>
    public string ToJson() => Spec.ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    /// <summary>Rebuilds an objective from <see cref="ToJson"/>'s output.</summary>
    public static Objective FromJson(string json)
    {
        JsonNode? parsed;
        try { parsed = JsonNode.Parse(json); }
        catch (JsonException e) { throw new FormatException($"An objective's JSON does not parse: {e.Message}", e); }
        var node = parsed as JsonObject ?? throw new FormatException("An objective's JSON must be an object with a \"kind\" field.");
        return ObjectiveKinds.Read(node);
    }
}
