using Interp.Datasets;
using Interp.Hooks;

namespace Interp.Dictionary;

/// <summary>
/// Everything that decides a trained dictionary, so a run can be repeated: the model and layer, the image set the vectors come
/// from (<see cref="ImageSets"/>), how they are streamed, and the autoencoder's settings.
/// </summary>
/// <param name="Model">The zoo name of the model.</param>
/// <param name="Layer">The layer whose positions are the vectors.</param>
/// <param name="Images">"toy-world" (the toy CLIP's training pictures, seed 1) or "photo-crops" (the shipped photos on grids 1, 2, 3).</param>
/// <param name="ImageCount">Pictures of the toy world (ignored for the photo crops, which are all used).</param>
/// <param name="ImagesPerBuffer">Images whose positions are shuffled together.</param>
/// <param name="StreamSeed">The stream's shuffling seed.</param>
/// <param name="Settings">The autoencoder's shape and training.</param>
public sealed record DictionaryRecipe(string Model, string Layer, string Images, int ImageCount, int ImagesPerBuffer, long StreamSeed, SaeSettings Settings)
{
    /// <summary>The image sets a recipe can name.</summary>
    public static IReadOnlyList<string> ImageSets { get; } = ["toy-world", "photo-crops"];

    /// <summary>The seed of the toy world's training pictures (the toy CLIP's own; held-out sets use <see cref="ToyWorldImages.HeldOutSeed"/>).</summary>
    public const int ToyTrainingSeed = 1;

    /// <summary>The recipe's image set.</summary>
    public IImageSource OpenImages() => Images switch
    {
        "toy-world" => new ToyWorldImages(ImageCount, ToyTrainingSeed),
        "photo-crops" => SamplePhotos.Crops(1, 2, 3),
        _ => throw new ArgumentException($"Unknown image set '{Images}'; valid: {string.Join(", ", ImageSets)}.", nameof(Images)),
    };

    /// <summary>The stream of training vectors from <paramref name="model"/>, which must be the recipe's model.</summary>
    public LayerActivations Stream(HookedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Name != Model) throw new ArgumentException($"The recipe is for {Model}; the model given is {model.Name}.", nameof(model));
        return new LayerActivations(model, Layer, OpenImages(), imagesPerBuffer: ImagesPerBuffer, seed: StreamSeed);
    }

    /// <summary>
    /// The file name the project gives a dictionary of this recipe, e.g. <c>toy-clip.visual.stage4.topk8.4x.seed1.dict</c>; a view's slash
    /// becomes a dash (<c>toy-vit.visual.blocks.3.hook_resid_post-grid.topk8.4x.seed1.dict</c>).
    /// </summary>
    public string FileName => $"{Model}.{Layer.Replace('/', '-')}.{(Settings.Kind == SaeKind.TopK ? $"topk{Settings.K}" : $"l1-{Settings.L1:G3}")}." +
        $"{(double)Settings.Features / Settings.Width:0.##}x.seed{Settings.Seed}.dict";
}
