using System.Text.Json.Serialization;

namespace Interp.Models.ToyClip;

/// <summary>The toy CLIP's image tower: the architecture behind <c>visual</c>; the text tower is the same for all.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ToyTower>))]
public enum ToyTower
{
    /// <summary>Notebook 04's residual CNN (four stages to 4×4×128, mean-pooled, a linear projection).</summary>
    Cnn,

    /// <summary>A vision transformer as CLIP's ViT (<see cref="Vit.VitImageTower"/>, <see cref="ToyClipModel.VitSettings"/>).</summary>
    Vit,

    /// <summary>A ConvNeXt (<see cref="ConvNeXt.ConvNeXtImageTower"/>, <see cref="ConvNeXt.ConvNeXtSettings.Toy"/>).</summary>
    ConvNeXt,
}
