using Interp.ToyWorld;
using static TorchSharp.torch;

namespace Interp.Datasets;

/// <summary>
/// The first <see cref="Count"/> pictures of the toy world's dataset with a seed (drawn shapes, written names, both, at 64 px),
/// as an image set for dataset scans of the toy models. Pictures are drawn on demand, the same on every machine.
/// </summary>
public sealed class ToyWorldImages : IImageSource
{
    /// <summary>The seed of the Microscope's default set: not the training data's (seed 1).</summary>
    public const int HeldOutSeed = 1000;

    readonly ToyDataset _data;

    /// <summary>The first <paramref name="count"/> examples of the dataset with <paramref name="seed"/>.</summary>
    public ToyWorldImages(int count, int seed = HeldOutSeed)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Take at least one picture of the toy world.");
        Count = count;
        _data = new ToyDataset(seed);
    }

    /// <inheritdoc/>
    public string Name => $"toy-world (seed {_data.Seed})";
    /// <inheritdoc/>
    public int Count { get; }
    /// <inheritdoc/>
    public string Id(int index) => $"toy-{_data.Seed}-{index}";
    /// <summary>What picture <paramref name="index"/> shows (see <see cref="ToyExample.Concepts"/>), for concept purity.</summary>
    public IReadOnlyList<string> Concepts(int index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The set has pictures 0..{Count - 1}.");
        return _data.Example(index).Concepts;
    }

    /// <inheritdoc/>
    public Tensor Load(int index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The set has pictures 0..{Count - 1}.");
        return _data.Example(index).Draw();
    }
}
