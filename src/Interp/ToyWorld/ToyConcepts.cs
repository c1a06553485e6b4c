namespace Interp.ToyWorld;

/// <summary>A named colour of the toy world, RGB in [0, 1].</summary>
public sealed record ToyColour(string Name, float R, float G, float B);

/// <summary>The concepts of the toy CLIP's world: twelve shapes and eight colours, each with the word that names it.</summary>
public static class ToyConcepts
{
    /// <summary>The twelve shapes, in class order; <c>ring</c> is drawn as an outline, the others filled.</summary>
    public static IReadOnlyList<string> Shapes { get; } =
        ["circle", "square", "triangle", "star", "heart", "cross", "arrow", "moon", "diamond", "ring", "bolt", "house"];

    /// <summary>The eight colours, in class order.</summary>
    public static IReadOnlyList<ToyColour> Colours { get; } =
    [
        new("red", 0.86f, 0.12f, 0.12f), new("green", 0.13f, 0.62f, 0.20f), new("blue", 0.15f, 0.30f, 0.85f), new("yellow", 0.95f, 0.85f, 0.10f),
        new("orange", 0.96f, 0.52f, 0.08f), new("purple", 0.55f, 0.20f, 0.70f), new("pink", 0.98f, 0.55f, 0.75f), new("brown", 0.50f, 0.30f, 0.12f),
    ];

    /// <summary>The index of a shape by name; an unknown name lists the shapes.</summary>
    public static int Shape(string name)
    {
        int i = Shapes.ToList().IndexOf(name);
        return i >= 0 ? i : throw new ArgumentException($"Unknown shape '{name}'; the shapes are {string.Join(", ", Shapes)}.", nameof(name));
    }
}
