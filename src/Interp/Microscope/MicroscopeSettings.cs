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
/// <param name="Inputs">Strongest positive and as many negative inputs shown from the layer before.</param>
/// <param name="Seed">The renders' seed.</param>
public sealed record MicroscopeSettings(int Steps = 256, int Size = 128, int UnitsPerRender = RenderCache.RecommendedUnitsPerRender, int Examples = 9,
    int ScanSize = 224, int Inputs = 6, int Seed = 0)
{
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
        AtLeast(nameof(Inputs), Inputs, 0);
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
