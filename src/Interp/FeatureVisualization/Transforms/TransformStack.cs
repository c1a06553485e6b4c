using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Transforms;

/// <summary>Transforms applied in order.</summary>
public sealed class TransformStack(IEnumerable<ITransform> transforms) : ITransform
{
    /// <summary>The transforms, in application order.</summary>
    public IReadOnlyList<ITransform> Transforms { get; } = transforms.ToList();

    /// <summary>No transformation at all (naive optimization).</summary>
    public static TransformStack None { get; } = new([]);

    /// <summary>
    /// Lucid's standard stack: pad 12 (constant 0.5), jitter 8, scale 0.90…1.10 in steps of 0.02,
    /// rotate −10…10° (0° weighted five extra times), jitter 4.
    /// </summary>
    public static TransformStack Standard { get; } = new([
        new Pad(12, 0.5f),
        new Jitter(8),
        new RandomScale(Enumerable.Range(0, 11).Select(i => 1 + (i - 5) / 50.0).ToList()),
        new RandomRotate([.. Enumerable.Range(-10, 21).Select(d => (double)d), 0, 0, 0, 0, 0]),
        new Jitter(4),
    ]);

    /// <summary>This stack followed by <paramref name="next"/>.</summary>
    public TransformStack Then(ITransform next) => new([.. Transforms, next]);

    /// <inheritdoc/>
    public Tensor Apply(Tensor image, Generator generator)
    {
        using var scope = NewDisposeScope();
        var x = image;
        foreach (var t in Transforms) x = t.Apply(x, generator);
        return (ReferenceEquals(x, image) ? image.alias() : x).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public string Description => Transforms.Count == 0 ? "none" : string.Join(" → ", Transforms.Select(t => t.Description));
}
