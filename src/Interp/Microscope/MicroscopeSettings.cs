using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Interp.FeatureVisualization.Rendering;

namespace Interp.Microscope;

/// <summary>
/// Everything that decides a Microscope page's bytes besides the model and the unit. Two builds with equal settings (and the
/// same model, image set, thread count and library version: <see cref="Key"/>) give the same files for a unit, whichever
/// shard builds it.
/// </summary>
/// <param name="Steps">Optimization steps of each feature visualization (Lucid's default is 512; the Microscope's 256).</param>
/// <param name="Size">Side of the rendered images in pixels.</param>
/// <param name="UnitsPerRender">Units rendered together, one per image of a batch; unit c always renders with c / k · k … (fixed groups).</param>
/// <param name="Examples">Dataset examples kept at each end of the activation range.</param>
/// <param name="ScanSize">Side the dataset images are resized to for the scan (the model's usual input size).</param>
/// <param name="Links">Strongest positive and as many negative links shown to the layer before (inputs) and after (outputs).</param>
/// <param name="Seed">The renders' seed.</param>
/// <param name="Diversity">Images of each unit's diversity batch (channel objective − 100 · diversity among them, as Lucid's); 0 for none.</param>
/// <param name="Neuron">Whether to render the neuron objective (the channel at the centre of the map) too.</param>
/// <param name="Sample">Images in the scan's sample from which the examples across the activation range are picked.</param>
public sealed record MicroscopeSettings(int Steps = 256, int Size = 128, int UnitsPerRender = RenderCache.RecommendedUnitsPerRender, int Examples = 9,
    int ScanSize = 224, int Links = 6, int Seed = 0, int Diversity = 4, bool Neuron = true, int Sample = 1024)
{
    /// <summary>The percentiles (of each image's strongest response, over the sample) whose examples a page shows between top and bottom.</summary>
    public static IReadOnlyList<double> Percentiles { get; } = [99, 90, 75, 50];

    /// <summary>The weight of Lucid's diversity term against the channel objective in the diversity batch.</summary>
    public const double DiversityWeight = 100;

    /// <summary>Images rendered per unit: the channel objective, the diversity batch and the neuron objective.</summary>
    public int ImagesPerUnit => 1 + Diversity + (Neuron ? 1 : 0);

    /// <summary>Refuses values that cannot build a page, naming the field and what is valid.</summary>
    public void Validate()
    {
        void AtLeast(string name, int value, int minimum)
        {
            if (value < minimum) throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least {minimum}; got {value}.");
        }
        AtLeast(nameof(Steps), Steps, 1);
        AtLeast(nameof(Size), Size, 16);
        AtLeast(nameof(UnitsPerRender), UnitsPerRender, 1);
        AtLeast(nameof(Examples), Examples, 1);
        AtLeast(nameof(ScanSize), ScanSize, 16);
        AtLeast(nameof(Links), Links, 0);
        AtLeast(nameof(Sample), Sample, 1);
        if (Diversity == 1) throw new ArgumentOutOfRangeException(nameof(Diversity), Diversity, "A diversity batch compares images: give 0 (none) or at least 2.");
        AtLeast(nameof(Diversity), Diversity, 0);
    }

    /// <summary>The render specification of every unit's feature visualization (Lucid's parameterization and transforms).</summary>
    public RenderSpec Spec => new() { Steps = Steps, Size = Size, Seed = Seed };

    /// <summary>
    /// A short hash of everything that decides the pages of one model: these settings, the model's name and number format, the
    /// image set, the thread count and the library version. Units built under different keys are not merged.
    /// </summary>
    public string Key(string model, string dtype, string images, int imageCount, int threads)
    {
        var version = typeof(MicroscopeSettings).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var text = string.Join("|", JsonSerializer.Serialize(this), model, dtype, images, imageCount, threads, version);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
    }
}
