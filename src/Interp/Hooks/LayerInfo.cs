namespace Interp.Hooks;

/// <summary>A hookable layer: its stable name, module type and output shape for a given input.</summary>
public sealed record LayerInfo(string Name, string Kind, IReadOnlyList<long> Shape)
{
    /// <summary>The number of channels (dimension 1), or null for outputs with fewer than two dimensions.</summary>
    public long? Channels => Shape.Count >= 2 ? Shape[1] : null;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Kind}) [{string.Join(",", Shape)}]";
}
