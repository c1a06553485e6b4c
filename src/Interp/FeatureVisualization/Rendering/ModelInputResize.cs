namespace Interp.FeatureVisualization.Rendering;

/// <summary>How the optimized image is brought to a size the model takes.</summary>
public enum ModelInputResize
{
    /// <summary>
    /// As Lucid: the model sees the transformed image at its own size (e.g. 128 px + padding, varying with
    /// the random scale). Needs a model that takes any size, as both zoo models do up to their pooled heads
    /// (a render stops the forward pass at the objective's deepest layer).
    /// </summary>
    None,
    /// <summary>
    /// The parameterization's image is first resized (bilinear) to the model's input size, then the random
    /// transforms apply to it, so the random scale still changes the scale the model sees.
    /// </summary>
    BeforeTransforms,
    /// <summary>
    /// As Lucent's <c>render_vis</c>: after the transforms, an image smaller than the model's input size is
    /// upsampled to it (bilinear, <c>align_corners=True</c>). This undoes the random scale: every step the
    /// model sees the same zoom. Kept for comparing with Lucent's pictures.
    /// </summary>
    AfterTransformsLucent,
}
