using static TorchSharp.torch;

namespace Interp.Dictionary;

/// <summary>
/// Activation vectors to train and measure a dictionary on, addressed by position so a run is determined by its settings and
/// a resumed run sees the same vectors: <see cref="Batch"/> gives vectors start … start + count − 1 as [count, <see cref="Width"/>].
/// </summary>
public interface IActivationSource
{
    /// <summary>What the vectors are (shown in records and errors).</summary>
    string Name { get; }

    /// <summary>The vectors' dimension.</summary>
    int Width { get; }

    /// <summary>Vectors start … start + count − 1, float32 [count, Width]; the same tensor values whenever asked.</summary>
    Tensor Batch(long start, int count);
}
