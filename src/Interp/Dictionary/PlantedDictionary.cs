using static TorchSharp.torch;

namespace Interp.Dictionary;

/// <summary>
/// Synthetic activations with a known dictionary: <see cref="Atoms"/> are random unit vectors (more of them than dimensions
/// allowed), and each vector is a sum of <see cref="Active"/> distinct atoms with coefficients uniform in [0.5, 1.5]. A sparse
/// autoencoder that works recovers the atoms as its decoder's columns (<see cref="DictionaryMatch"/>).
/// </summary>
public sealed class PlantedDictionary : IActivationSource, IDisposable
{
    readonly long _seed;

    /// <summary>A dictionary of <paramref name="atoms"/> unit vectors in <paramref name="width"/> dimensions, <paramref name="active"/> per vector.</summary>
    public PlantedDictionary(int width, int atoms, int active, long seed = 0)
    {
        if (width < 1 || atoms < 1) throw new ArgumentOutOfRangeException(nameof(atoms), $"Width and atoms must be at least 1 (got {width}, {atoms}).");
        if (active < 1 || active > atoms) throw new ArgumentOutOfRangeException(nameof(active), active, $"Each vector uses 1 to {atoms} (all) atoms.");
        (Width, Active, _seed) = (width, active, seed);
        using var scope = NewDisposeScope();
        var a = randn([width, atoms], generator: new Generator().manual_seed(seed));
        Atoms = (a / a.norm(0, keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>The planted atoms as columns, [Width, atoms], unit norm.</summary>
    public Tensor Atoms { get; }

    /// <summary>Atoms per vector.</summary>
    public int Active { get; }

    /// <inheritdoc/>
    public string Name => $"planted dictionary ({Atoms.shape[1]} atoms in {Width} dimensions, {Active} per vector, seed {_seed})";

    /// <inheritdoc/>
    public int Width { get; }

    /// <summary>The coefficients [count, atoms] of vectors start … start + count − 1 (zero for atoms not used).</summary>
    public Tensor Coefficients(long start, int count)
    {
        if (start < 0 || count < 1) throw new ArgumentOutOfRangeException(nameof(count), $"Vectors start at index ≥ 0 and come at least one at a time (got {start}, {count}).");
        using var scope = NewDisposeScope();
        // One generator per request, seeded by the dictionary's seed and the range: the same range always gives the same vectors.
        var generator = new Generator().manual_seed(unchecked(_seed * 1_000_003 + start * 7_919 + count));
        long atoms = Atoms.shape[1];
        var order = rand([count, atoms], generator: generator).argsort(1)[.., ..Active];
        var values = rand([count, Active], generator: generator) + 0.5;
        return zeros([count, atoms]).scatter_(1, order, values).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor Batch(long start, int count)
    {
        using var scope = NewDisposeScope();
        return Coefficients(start, count).matmul(Atoms.t()).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public void Dispose() => Atoms.Dispose();
}
