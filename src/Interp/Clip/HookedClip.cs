using Interp.Hooks;
using Interp.Models;
using static TorchSharp.torch;

namespace Interp.Clip;

/// <summary>
/// A CLIP-like model with hooks: the <see cref="HookedModel"/> that reads and edits its image tower's units and the
/// <see cref="IClipModel"/> that embeds images and text, one model seen two ways. Analyses that need both (notebook 04's study
/// on a real CLIP) take this, so they run on any CLIP without asking what class of module is inside.
/// </summary>
public sealed class HookedClip : IDisposable
{
    HookedClip(HookedModel hooked, IClipModel clip)
    {
        Hooked = hooked;
        Clip = clip;
    }

    /// <summary>Wraps <paramref name="model"/> under <paramref name="name"/>; its image tower's input convention is <paramref name="input"/>.</summary>
    public static HookedClip Create<TModel>(string name, TModel model, InputConvention input) where TModel : nn.Module<Tensor, Tensor>, IClipModel
    {
        ArgumentNullException.ThrowIfNull(model);
        if (input.Size != model.ImageSize)
            throw new ArgumentException($"The input convention's size ({input.Size}) is not the model's image size ({model.ImageSize}).", nameof(input));
        return new(new HookedModel(name, model, input), model);
    }

    /// <summary>The model with named, hookable layers.</summary>
    public HookedModel Hooked { get; }
    /// <summary>The same model as a CLIP: image and text embeddings, logits.</summary>
    public IClipModel Clip { get; }
    /// <summary>The model's name (its zoo name for zoo models).</summary>
    public string Name => Hooked.Name;

    /// <summary>Frees the model.</summary>
    public void Dispose() => Hooked.Dispose();
}
