using static TorchSharp.torch;

namespace Interp.Clip;

/// <summary>
/// The result of zero-shot classification: for each image, a probability and a logit per class name.
/// Plain data: <see cref="Rows"/> for tables, <see cref="Probabilities"/> for your own computations.
/// </summary>
public sealed record ZeroShotResult(IReadOnlyList<string> Classes, IReadOnlyList<string> Templates, float[,] Logits, float[,] Probabilities)
{
    /// <summary>Images classified.</summary>
    public int Images => Logits.GetLength(0);

    /// <summary>The <paramref name="k"/> most probable classes of image <paramref name="image"/>, best first.</summary>
    public IReadOnlyList<ZeroShotRow> Top(int image, int k = 5)
    {
        if (image < 0 || image >= Images) throw new ArgumentOutOfRangeException(nameof(image), image, $"Images are 0..{Images - 1}.");
        return [.. Enumerable.Range(0, Classes.Count).OrderByDescending(c => Probabilities[image, c]).Take(k)
            .Select((c, rank) => new ZeroShotRow(image, rank + 1, Classes[c], Math.Round(Probabilities[image, c], 4), Math.Round(Logits[image, c], 3)))];
    }

    /// <summary>Every image's classes, most probable first: one row per (image, class).</summary>
    public IReadOnlyList<ZeroShotRow> Rows => [.. Enumerable.Range(0, Images).SelectMany(i => Top(i, Classes.Count))];
}

/// <summary>One class of one image in a <see cref="ZeroShotResult"/>.</summary>
public sealed record ZeroShotRow(int Image, int Rank, string Class, double Probability, double Logit);

/// <summary>
/// CLIP's zero-shot classification, as in OpenAI's notebooks: each class name is put into every prompt template
/// (<c>"a photo of a {}."</c>), the text features are L2-normalized, averaged over the templates and normalized
/// again; each image's normalized features give logits exp(logit_scale)·cosine and a softmax over the classes.
/// </summary>
public static class ZeroShot
{
    /// <summary>CLIP's most common single prompt.</summary>
    public static IReadOnlyList<string> DefaultTemplates { get; } = ["a photo of a {}."];

    /// <summary>One normalized text embedding per class [K, embed], averaged over <paramref name="templates"/>.</summary>
    public static Tensor ClassEmbeddings(ClipModel model, IReadOnlyList<string> classes, IReadOnlyList<string>? templates = null, ClipTokenizer? tokenizer = null)
    {
        templates ??= DefaultTemplates;
        if (classes.Count == 0) throw new ArgumentException("Give at least one class name.", nameof(classes));
        if (templates.Count == 0) throw new ArgumentException("Give at least one template, e.g. \"a photo of a {}.\".", nameof(templates));
        foreach (var t in templates)
            if (!t.Contains("{}", StringComparison.Ordinal)) throw new ArgumentException($"The template \"{t}\" has no {{}} where the class name goes, e.g. \"a photo of a {{}}.\".", nameof(templates));
        tokenizer ??= ClipTokenizer.Default();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var rows = new List<Tensor>(classes.Count);
        foreach (var name in classes)
        {
            var ids = templates.SelectMany(t => tokenizer.Tokenize(t.Replace("{}", name, StringComparison.Ordinal), truncate: true).Select(i => (long)i)).ToArray();
            var features = model.EncodeText(tensor(ids, [templates.Count, ClipTokenizer.ContextLength]));
            features = features / features.norm(-1, keepdim: true);
            var mean = features.mean([0]);
            rows.Add(mean / mean.norm());
        }
        return stack(rows).MoveToOuterDisposeScope();
    }

    /// <summary>Classifies RGB images in [0, 1] [N, 3, H, W] (at the model's input size) among <paramref name="classes"/>, in batches.</summary>
    public static ZeroShotResult Classify(ClipModel model, Tensor images, IReadOnlyList<string> classes, IReadOnlyList<string>? templates = null,
        ClipTokenizer? tokenizer = null, int batchSize = 16)
    {
        templates ??= DefaultTemplates;
        RequireImages(images);
        using var scope = NewDisposeScope();
        var text = ClassEmbeddings(model, classes, templates, tokenizer);
        var all = Logits(model, images, text, batchSize).to(float32);
        var probs = all.softmax(-1);
        return new ZeroShotResult(classes, templates, ToArray(all), ToArray(probs));
    }

    /// <summary>
    /// Logits [N, K] of RGB images in [0, 1] [N, 3, H, W] against class embeddings [K, embed] from <see cref="ClassEmbeddings"/>,
    /// in batches: exp(logit_scale) × cosine similarity. Embed the classes once and call this for many image sets.
    /// </summary>
    public static Tensor Logits(ClipModel model, Tensor images, Tensor classEmbeddings, int batchSize = 16)
    {
        RequireImages(images);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var scale = model.LogitScale;
        var logits = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += batchSize)
        {
            var batch = images[TensorIndex.Slice(start, Math.Min(start + batchSize, images.shape[0]))];
            var features = model.call(batch);
            features = features / features.norm(-1, keepdim: true);
            logits.Add(features.matmul(classEmbeddings.t()) * scale);
        }
        return cat(logits).MoveToOuterDisposeScope();
    }

    static void RequireImages(Tensor images)
    {
        if (images.ndim != 4 || images.shape[1] != 3) throw new ArgumentException($"Expected RGB images [N,3,H,W] in [0,1]; got [{string.Join(",", images.shape)}].", nameof(images));
    }

    static float[,] ToArray(Tensor t)
    {
        long n = t.shape[0], k = t.shape[1];
        var data = t.contiguous().data<float>().ToArray();
        var result = new float[n, k];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) result[i, j] = data[i * k + j];
        return result;
    }
}
