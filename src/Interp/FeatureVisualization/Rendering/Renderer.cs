using Interp.FeatureVisualization.Objectives;
using Interp.FeatureVisualization.Transforms;
using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Rendering;

/// <summary>
/// The render loop: optimizes an image parameterization with Adam so that the model, seeing the
/// transformed image, maximizes an objective's <see cref="Objective.Total"/>. Each step runs the model
/// only up to the deepest layer the objective reads (not at all for objectives of the image alone).
/// Deterministic for a given seed and thread count. For control over each step, use a <see cref="RenderSession"/>.
/// </summary>
public static class Renderer
{
    /// <summary>Renders <paramref name="objective"/> on <paramref name="model"/>: a <see cref="RenderSession"/> run for all its steps.</summary>
    public static RenderResult Render(HookedModel model, Objective objective, RenderSpec? spec = null, RenderControl? control = null)
    {
        spec = (spec ?? new RenderSpec()).Validate();
        control ??= new RenderControl();
        foreach (var t in control.Thresholds)
            if (t < 1 || t > spec.Steps) throw new ArgumentOutOfRangeException(nameof(control), $"Threshold {t} is outside the render's steps, 1..{spec.Steps}.");
        var thresholds = new HashSet<int>(control.Thresholds) { spec.Steps };
        var snapshots = new Dictionary<int, Tensor>();
        using var session = new RenderSession(model, objective, spec, control.StopAtDeepestLayer);
        try
        {
            for (int step = 1; step <= spec.Steps; step++)
            {
                double value = session.Step(control.Cancellation);
                if (thresholds.Contains(step)) snapshots[step] = session.Image();
                control.Progress?.Report(new RenderProgress(step, spec.Steps, value, session.Elapsed));
            }
        }
        catch
        {
            foreach (var s in snapshots.Values) s.Dispose();
            throw;
        }
        return new RenderResult(snapshots, [.. session.History], session.Provenance());
    }

    /// <summary>
    /// The transforms a render applies each step, with the resize <see cref="RenderSpec.InputResize"/>
    /// asks for, for a parameterization of <paramref name="height"/>×<paramref name="width"/> and a model
    /// whose input size is <paramref name="modelSize"/>.
    /// </summary>
    public static ITransform ModelTransforms(RenderSpec spec, int height, int width, int modelSize) => spec.InputResize switch
    {
        ModelInputResize.None => spec.Transforms,
        ModelInputResize.BeforeTransforms => new TransformStack([new Resize(modelSize), spec.Transforms]),
        // Lucent appends its upsample only when the parameterization's image is smaller than 224.
        ModelInputResize.AfterTransformsLucent => height < modelSize || width < modelSize
            ? new TransformStack([spec.Transforms, new Resize(modelSize, AlignCorners: true)])
            : spec.Transforms,
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.InputResize, "Valid: None, BeforeTransforms, AfterTransformsLucent."),
    };

    /// <summary>
    /// The objective's value for each of <paramref name="images"/> [N, 3, H, W] as the model sees them
    /// without random transforms: at their own size, or resized (bilinear) to <paramref name="size"/>. A fair
    /// way to compare renders. The model runs only as far as the objective needs, with gradient bookkeeping only
    /// for objectives that read a gradient (<see cref="Objective.NeedsGradients"/>).
    /// </summary>
    public static Tensor Score(HookedModel model, Objective objective, Tensor images, int? size = null)
    {
        using var scope = NewDisposeScope();
        var input = size is { } s ? new Resize(s).Apply(images, null!) : images; // Resize draws no random numbers
        // Attribution objectives read a gradient through the model: they keep the graph (weights frozen, input tracked).
        bool graph = objective.NeedsGradients;
        using var mode = graph ? enable_grad() : no_grad();
        using var frozen = graph ? model.FreezeWeights() : null;
        var x = input.to(model.Dtype);
        if (graph) x = x.detach().requires_grad_(true);
        using var cache = model.RunUpTo(x, objective.ModelLayers, detach: !graph);
        return objective.Evaluate(ObjectiveContext.FromCache(cache, images)).detach().clone().MoveToOuterDisposeScope();
    }
}
