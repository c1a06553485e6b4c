using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Interp.FeatureVisualization.Parameterizations;
using Interp.FeatureVisualization.Transforms;

namespace Interp.FeatureVisualization.Rendering;

/// <summary>
/// Everything that decides a render's image besides the model and the objective. Defaults follow Lucid: a 128 px decorrelated
/// Fourier image, the standard transforms, Adam at 0.05, 512 steps. Its JSON (<see cref="ToJson"/>) is what a render's
/// provenance records and what the render cache's key hashes, so a field added here reaches both without another edit.
/// How a render is run (progress, cancellation, snapshots) is <see cref="RenderControl"/>.
/// </summary>
public sealed record RenderSpec
{
    /// <summary>Optimization steps.</summary>
    public int Steps { get; init; } = 512;
    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 0.05;
    /// <summary>Seed of the parameter initialization and of every random transform.</summary>
    public long Seed { get; init; }
    /// <summary>Image side in pixels (the parameterization's size).</summary>
    public int Size { get; init; } = 128;
    /// <summary>Images optimized together.</summary>
    public int Batch { get; init; } = 1;
    /// <summary>The image parameterization; default: Lucid's decorrelated Fourier image.</summary>
    public ParameterizationSpec Parameterization { get; init; } = ParameterizationSpec.Default;
    /// <summary>Transforms applied each step before the model (see <see cref="InputResize"/> for the size the model sees).</summary>
    public ITransform Transforms { get; init; } = TransformStack.Standard;
    /// <summary>
    /// Steps during which ReLU gradients are redirected (0 disables). Lucid redirects while its global step
    /// (0 at the first update) is at most 16, that is during the first 17 steps; the default is the same.
    /// </summary>
    public int RedirectReluSteps { get; init; } = 17;
    /// <summary>How the image is brought to a size the model takes; default: as Lucid, not at all.</summary>
    public ModelInputResize InputResize { get; init; } = ModelInputResize.None;
    /// <summary>
    /// The number format the render expects the model in (<see cref="Precision.Auto"/>: whatever the model is).
    /// bfloat16 on a CPU without native support gives a warning: it is slower there.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Float32;
    /// <summary>
    /// Feed the model channels-last images (<see cref="Images.ImageTensors.ChannelsLast"/>). Convolutions then run with fewer
    /// layout reorders; the <c>interp bench sizes</c> and <c>interp bench render-one --compare</c> benchmarks measure the gain on a CPU. The renders differ from
    /// the default NCHW ones in float32 rounding (another summation order), so the default stays NCHW and renders stay
    /// reproducible across versions.
    /// </summary>
    public bool ChannelsLast { get; init; }

    /// <summary>The spec as JSON (indented, property names as here, enums by name): what provenance records and cache keys hash.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Checks every field, naming the wrong one and what is valid.</summary>
    public RenderSpec Validate()
    {
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Steps must be at least 1.");
        if (!double.IsFinite(LearningRate) || LearningRate <= 0)
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be a positive, finite number (Lucid uses 0.05; 0.005 for CPPNs).");
        if (Size < 2) throw new ArgumentOutOfRangeException(nameof(Size), Size, "Size is the image side in pixels and must be at least 2 (Lucid's default is 128).");
        if (Batch < 1) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "Batch is the number of images optimized together and must be at least 1.");
        if (RedirectReluSteps < 0) throw new ArgumentOutOfRangeException(nameof(RedirectReluSteps), RedirectReluSteps,
            "RedirectReluSteps cannot be negative (0 disables redirection).");
        ArgumentNullException.ThrowIfNull(Parameterization, nameof(Parameterization));
        ArgumentNullException.ThrowIfNull(Transforms, nameof(Transforms));
        if (!Enum.IsDefined(InputResize)) throw new ArgumentOutOfRangeException(nameof(InputResize), InputResize, "Valid: None, BeforeTransforms, AfterTransformsLucent.");
        if (!Enum.IsDefined(Precision)) throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "Valid: Float32, BFloat16, Auto.");
        return this;
    }

    /// <summary>The serializer settings of <see cref="ToJson"/> (and of <see cref="RenderProvenance"/>).</summary>
    internal static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        // Keep ×, →, ° and quotes readable in the file; it is data for people as much as for programs.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };
}
