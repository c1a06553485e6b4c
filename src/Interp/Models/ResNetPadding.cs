namespace Interp.Models;

/// <summary>How a ResNet pads its strided layers.</summary>
public enum ResNetPadding
{
    /// <summary>PyTorch / torchvision: symmetric padding (3 for the 7×7 stem, 1 for 3×3 convolutions and the max-pool).</summary>
    Symmetric,
    /// <summary>
    /// CNTK's export (the ResNet-18 in Microsoft.ML.DnnImageFeaturizer.ResNet18): strided layers use
    /// "same" padding with the extra pixel at the top and left (at 224 px: 7×7 stem 3 before, 2 after;
    /// 3×3 stride 2 and the max-pool 1 before, 0 after). See <see cref="SamePadding"/>.
    /// </summary>
    CntkAsymmetric,
}
