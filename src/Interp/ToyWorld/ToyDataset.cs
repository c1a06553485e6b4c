using static TorchSharp.torch;

namespace Interp.ToyWorld;

/// <summary>What a toy picture shows: the shape drawn, its name written, or both.</summary>
public enum ToyKind
{
    /// <summary>A filled shape (a ring as an outline) of a named colour.</summary>
    Drawing,
    /// <summary>The shape's name written as a word, black or white, no shape.</summary>
    Word,
    /// <summary>The shape and, elsewhere in the picture, its name.</summary>
    DrawingAndWord,
}

/// <summary>
/// One example of the toy world, fully specified so that it draws the same picture every time: the concept (shape and
/// colour), how it appears, where, and its caption.
/// </summary>
public sealed record ToyExample(ToyKind Kind, int Shape, int Colour, string Caption, float[] Background, float ShapeX, float ShapeY, float Radius,
    float WordX, float WordY, float WordSize, float WordGrey, string? Distractor, float DistractorX, float DistractorY, int NoiseSeed, string? Font = null)
{
    /// <summary>
    /// The picture [3, size, size] in [0, 1]. The word is in <see cref="Font"/> (null, as in the dataset: the training font); in
    /// another font it is drawn at the size that gives it the training font's width, so it keeps its place in the picture.
    /// </summary>
    public Tensor Draw(int size = ToyDataset.ImageSize)
    {
        using var canvas = new ToyCanvas(size, Background, new Random(NoiseSeed));
        float scale = size / (float)ToyDataset.ImageSize;
        if (Kind != ToyKind.Word) canvas.DrawShape(Shape, ShapeX * scale, ShapeY * scale, Radius * scale, ToyConcepts.Colours[Colour]);
        if (Kind != ToyKind.Drawing) canvas.DrawWord(ToyConcepts.Shapes[Shape], WordX * scale, WordY * scale, WordSizeInFont() * scale, WordGrey, Font);
        if (Distractor is not null) canvas.DrawWord(Distractor, DistractorX * scale, DistractorY * scale, 7 * scale, 0.5f);
        return canvas.ToTensor();
    }

    /// <summary>
    /// The concepts the picture shows, as labels: "drawn circle" and the colour ("red") for a drawing, "word circle" for a written
    /// name, all three for both. The distractor string is no concept.
    /// </summary>
    public IReadOnlyList<string> Concepts => Kind switch
    {
        ToyKind.Drawing => [$"drawn {ToyConcepts.Shapes[Shape]}", ToyConcepts.Colours[Colour].Name],
        ToyKind.Word => [$"word {ToyConcepts.Shapes[Shape]}"],
        _ => [$"drawn {ToyConcepts.Shapes[Shape]}", ToyConcepts.Colours[Colour].Name, $"word {ToyConcepts.Shapes[Shape]}"],
    };

    /// <summary>The word's size in <see cref="Font"/>: <see cref="WordSize"/>, or the size at which it is as wide as in the training font.</summary>
    float WordSizeInFont()
    {
        var word = ToyConcepts.Shapes[Shape];
        return Font is null ? WordSize : WordSize * ToyCanvas.WordWidth(word, WordSize) / ToyCanvas.WordWidth(word, WordSize, Font);
    }
}

/// <summary>
/// The toy CLIP's synthetic dataset: 64×64 pictures of twelve shapes in eight colours on a noisy background of random colour,
/// drawn (30 %), written as a word (45 %) or both (25 %), each with a caption ("a red circle", "a drawing of a circle",
/// "the word circle", "a sign saying circle"). Example i of a seed is always the same example: the dataset is generated on the
/// fly, never stored, and any range of it can be drawn in any order.
/// </summary>
public sealed class ToyDataset(int seed)
{
    /// <summary>Side of the pictures in pixels.</summary>
    public const int ImageSize = 64;

    /// <summary>The seed: datasets with different seeds share no examples by design (e.g. training and held-out).</summary>
    public int Seed { get; } = seed;

    /// <summary>Share of drawings, of words, and of both (the rest), as the recipe measured to work sets them.</summary>
    public const double DrawingShare = 0.30, WordShare = 0.45;

    /// <summary>Share of pictures carrying a small nonsense string (so the model learns that not all text names the concept).</summary>
    public const double DistractorShare = 0.08;

    /// <summary>Example <paramref name="index"/> of this dataset.</summary>
    public ToyExample Example(long index)
    {
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(index), index, "Examples are numbered from 0.");
        var random = new Random(HashCode(Seed, index));
        double u = random.NextDouble();
        var kind = u < DrawingShare ? ToyKind.Drawing : u < DrawingShare + WordShare ? ToyKind.Word : ToyKind.DrawingAndWord;
        return Example(random, kind, random.Next(ToyConcepts.Shapes.Count), random.Next(ToyConcepts.Colours.Count));
    }

    /// <summary>An example of a chosen kind and concept, its other parameters drawn from <paramref name="random"/> (for probes and attacks).</summary>
    public static ToyExample Example(Random random, ToyKind kind, int shape, int colour)
    {
        var background = new[] { (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble() };
        string shapeName = ToyConcepts.Shapes[shape], colourName = ToyConcepts.Colours[colour].Name;
        float radius = kind == ToyKind.DrawingAndWord ? 9 + 3 * (float)random.NextDouble() : 9 + 9 * (float)random.NextDouble();
        float sx = radius + 1 + (float)random.NextDouble() * (ImageSize - 2 * radius - 2);
        float sy = kind == ToyKind.DrawingAndWord ? radius + 1 + (float)random.NextDouble() * Math.Max(0, 36 - 2 * radius)
                                                  : radius + 1 + (float)random.NextDouble() * (ImageSize - 2 * radius - 2);
        float size = 11 + 5 * (float)random.NextDouble();
        float width = ToyCanvas.WordWidth(shapeName, size);
        if (width > ImageSize - 4)
        {
            // A long word at a large size would not fit: shrink it until it does (the recipe's sizes are for short words).
            size *= (ImageSize - 4) / width;
            width = ToyCanvas.WordWidth(shapeName, size);
        }
        float wx = width / 2 + 1 + (float)random.NextDouble() * Math.Max(0, ImageSize - width - 2);
        float wy = kind == ToyKind.DrawingAndWord ? 50 + (float)random.NextDouble() * 10 : size + (float)random.NextDouble() * (ImageSize - size - 4);
        // Black or white, whichever stands out from the background (by luminance), so every word is legible.
        float grey = 0.299f * background[0] + 0.587f * background[1] + 0.114f * background[2] > 0.5f ? 0f : 1f;
        string caption = kind switch
        {
            ToyKind.Drawing => random.NextDouble() < 0.5 ? $"{ToyVocabulary.Article(colourName)} {colourName} {shapeName}"
                : $"a drawing of {ToyVocabulary.Article(shapeName)} {shapeName}",
            ToyKind.Word => random.NextDouble() < 0.5 ? $"the word {shapeName}" : $"a sign saying {shapeName}",
            _ => random.NextDouble() < 0.5 ? $"{ToyVocabulary.Article(colourName)} {colourName} {shapeName}" : $"a sign saying {shapeName}",
        };
        string? distractor = null;
        float dx = 0, dy = 0;
        if (random.NextDouble() < DistractorShare)
        {
            int length = 3 + random.Next(3);
            distractor = new string([.. Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26)))]);
            dx = 8 + (float)random.NextDouble() * (ImageSize - 16);
            dy = 8 + (float)random.NextDouble() * (ImageSize - 10);
        }
        return new ToyExample(kind, shape, colour, caption, background, sx, sy, radius, wx, wy, size, grey, distractor, dx, dy, random.Next());
    }

    /// <summary>Examples <paramref name="start"/> … start + count − 1: pictures [N, 3, 64, 64], caption tokens [N, 8], and the examples.</summary>
    public (Tensor Images, Tensor Tokens, IReadOnlyList<ToyExample> Examples) Batch(long start, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Draw at least one example.");
        var examples = Enumerable.Range(0, count).Select(i => Example(start + i)).ToList();
        var images = new Tensor[count];
        // Drawing is CPU work in SkiaSharp, independent per example: spread it over the cores; the order is fixed by the index.
        Parallel.For(0, count, i => images[i] = examples[i].Draw());
        var stacked = stack(images);
        foreach (var t in images) t.Dispose();
        var tokens = ToyVocabulary.EncodeAll([.. examples.Select(e => e.Caption)]);
        return (stacked, tokens, examples);
    }

    /// <summary>A seed for example <paramref name="index"/> that does not depend on .NET's randomized string hashing.</summary>
    static int HashCode(int seed, long index)
    {
        ulong h = 1469598103934665603UL;
        foreach (var v in new[] { (ulong)(uint)seed, (ulong)index })
        {
            h ^= v;
            h *= 1099511628211UL;
            h ^= h >> 29;
        }
        return (int)(h & 0x7FFFFFFF);
    }
}
