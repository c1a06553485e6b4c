namespace Interp.Dictionary;

/// <summary>How a sparse autoencoder makes its features sparse.</summary>
public enum SaeKind
{
    /// <summary>Keep the k largest pre-activations, ReLU'd; the rest are 0 (Gao et al. 2024). Sparsity is set by k.</summary>
    TopK,

    /// <summary>ReLU of the pre-activations, with an L1 penalty on the features (Bricken et al. 2023). Sparsity follows the penalty.</summary>
    ReluL1,
}
