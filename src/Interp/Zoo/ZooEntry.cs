using Interp.Datasets;
using Interp.Hooks;

using Interp.Models;

namespace Interp.Zoo;

/// <summary>One model the zoo knows: what it is, where its weights come from, and how to load it.</summary>
/// <param name="Name">The zoo name, e.g. <c>resnet18</c>.</param>
/// <param name="Description">One sentence on what the model is.</param>
/// <param name="Source">Where the weights come from.</param>
/// <param name="License">The weights' licence.</param>
/// <param name="Input">The input convention of the loaded model.</param>
/// <param name="Availability">Checks whether the weights are present.</param>
/// <param name="Loader">Loads the model (with real weights).</param>
/// <param name="ExampleImages">The images its dataset examples come from by default (the Microscope's); null: the shipped photos.</param>
/// <param name="MainLayers">The layers a whole-model view walks, in order: the Microscope's default layers, and each one's neighbours for
/// its inputs and outputs.</param>
public sealed record ZooEntry(
    string Name,
    string Description,
    string Source,
    string License,
    InputConvention Input,
    Func<ModelAvailability> Availability,
    Func<HookedModel> Loader,
    Func<IImageSource>? ExampleImages = null,
    IReadOnlyList<string>? MainLayers = null)
{
    /// <summary>The images this model's dataset examples come from by default: <see cref="ExampleImages"/>, or the shipped photos.</summary>
    public IImageSource DefaultExampleImages() => ExampleImages?.Invoke() ?? SamplePhotos.All();

    /// <summary>Loads the model, or explains how to get its weights when they are absent.</summary>
    public HookedModel Load()
    {
        var a = Availability();
        if (!a.IsPresent)
            throw new FileNotFoundException($"The weights of '{Name}' are not on this machine. {a.HowToGet}");
        return Loader();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Description}";
}
