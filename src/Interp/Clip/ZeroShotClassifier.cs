using Interp.Models;

using static TorchSharp.torch;

namespace Interp.Clip;

/// <summary>
/// Zero-shot classification with any <see cref="IClipModel"/>, as in OpenAI's notebooks: each class's prompts are embedded by the
/// text tower, L2-normalized, averaged and normalized again; an image's logits over the classes are the model's own
/// <see cref="IClipModel.Logits"/> against those class embeddings, and its prediction their arg-max. The class embeddings are
/// computed once; classify as many images as you like.
/// </summary>
public sealed class ZeroShotClassifier : IDisposable
{
    readonly Tensor _classes;

    ZeroShotClassifier(IClipModel model, IReadOnlyList<string> classes, IReadOnlyList<IReadOnlyList<string>> prompts, IReadOnlyList<string> templates)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (classes.Count == 0) throw new ArgumentException("Give at least one class.", nameof(classes));
        Model = model;
        Classes = classes;
        Templates = templates;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var rows = new List<Tensor>(classes.Count);
        foreach (var classPrompts in prompts)
        {
            var features = model.EncodeText(model.Tokenize(classPrompts));
            features = features / features.norm(-1, keepdim: true);
            var mean = features.mean([0]);
            rows.Add(mean / mean.norm());
        }
        _classes = stack(rows).DetachFromDisposeScope();
    }

    /// <summary>CLIP's most common single prompt.</summary>
    public static IReadOnlyList<string> DefaultTemplates { get; } = ["a photo of a {}."];

    /// <summary>Classes named in prompt templates, each with a <c>{}</c> where the name goes (default <see cref="DefaultTemplates"/>).</summary>
    public static ZeroShotClassifier FromTemplates(IClipModel model, IReadOnlyList<string> classes, IReadOnlyList<string>? templates = null)
    {
        templates ??= DefaultTemplates;
        if (templates.Count == 0) throw new ArgumentException("Give at least one template, e.g. \"a photo of a {}.\".", nameof(templates));
        foreach (var t in templates)
            if (!t.Contains("{}", StringComparison.Ordinal)) throw new ArgumentException($"The template \"{t}\" has no {{}} where the class name goes, e.g. \"a photo of a " +
                $"{{}}.\".", nameof(templates));
        return new(model, classes, [.. classes.Select(c => (IReadOnlyList<string>)[.. templates.Select(t => t.Replace("{}", c, StringComparison.Ordinal))])], templates);
    }

    /// <summary>Classes 0…<paramref name="count"/>−1 with one prompt each, <paramref name="prompt"/>(class), e.g. the toy world's "a drawing of an arrow".</summary>
    public static ZeroShotClassifier FromPrompts(IClipModel model, int count, Func<int, string> prompt)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Give at least one class.");
        var prompts = Enumerable.Range(0, count).Select(prompt).ToList();
        return new(model, prompts, [.. prompts.Select(p => (IReadOnlyList<string>)[p])], ["{}"]);
    }

    /// <summary>The model classifying.</summary>
    public IClipModel Model { get; }
    /// <summary>The class names (or, from <see cref="FromPrompts"/>, the prompts).</summary>
    public IReadOnlyList<string> Classes { get; }
    /// <summary>The templates the class names were put into.</summary>
    public IReadOnlyList<string> Templates { get; }
    /// <summary>One L2-normalized text embedding per class [K, D].</summary>
    public Tensor ClassEmbeddings => _classes;

    /// <summary>Logits [N, K] of RGB images in [0, 1] [N, 3, S, S] (S = the model's <see cref="IClipModel.ImageSize"/>), in batches.</summary>
    public Tensor Logits(Tensor images, int batchSize = 16)
    {
        RequireImages(images);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var logits = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += batchSize)
        {
            var batch = images[TensorIndex.Slice(start, Math.Min(start + batchSize, images.shape[0]))];
            logits.Add(Model.Logits(Model.EncodeImage(batch), _classes));
        }
        return cat(logits).MoveToOuterDisposeScope();
    }

    /// <summary>The most likely class of each image (usable as a classifier function, e.g. by <c>TypographicAttack.Measure</c>).</summary>
    public long[] Predict(Tensor images) => Predict(images, 16);

    /// <summary>The most likely class of each image, <paramref name="batchSize"/> images per forward pass.</summary>
    public long[] Predict(Tensor images, int batchSize)
    {
        using var logits = Logits(images, batchSize);
        using var best = logits.argmax(1);
        return best.data<long>().ToArray();
    }

    /// <summary>The share of <paramref name="images"/> whose prediction is their label.</summary>
    public double Accuracy(Tensor images, IReadOnlyList<int> labels, int batchSize = 16)
    {
        if (labels.Count != images.shape[0]) throw new ArgumentException($"Give one label per image: {images.shape[0]} images, {labels.Count} labels.", nameof(labels));
        var predicted = Predict(images, batchSize);
        return predicted.Select((p, i) => p == labels[i] ? 1.0 : 0.0).Average();
    }

    /// <summary>Logits and probabilities of every image over the classes.</summary>
    public ZeroShotResult Classify(Tensor images, int batchSize = 16)
    {
        using var scope = NewDisposeScope();
        var logits = Logits(images, batchSize).to(float32);
        var probabilities = logits.softmax(-1);
        return new ZeroShotResult(Classes, Templates, ToArray(logits), ToArray(probabilities));
    }

    void RequireImages(Tensor images)
    {
        int s = Model.ImageSize;
        if (images.ndim != 4 || images.shape[1] != 3 || images.shape[2] != s || images.shape[3] != s)
            throw new ArgumentException($"Expected RGB images [N, 3, {s}, {s}] in [0, 1] (the model's input size); got [{string.Join(", ", images.shape)}].", nameof(images));
        if (images.shape[0] == 0) throw new ArgumentException("There are no images to classify (the batch is empty).", nameof(images));
    }

    static float[,] ToArray(Tensor t)
    {
        var data = t.data<float>().ToArray();
        var result = new float[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(data, 0, result, 0, data.Length * sizeof(float));
        return result;
    }

    /// <summary>Frees the class embeddings.</summary>
    public void Dispose() => _classes.Dispose();
}
