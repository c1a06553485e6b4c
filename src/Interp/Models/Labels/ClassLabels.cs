using static TorchSharp.torch;

namespace Interp.Models.Labels;

/// <summary>Class names by output index, and the top-k predictions of a classifier.</summary>
public sealed class ClassLabels
{
    /// <summary>Creates labels for <paramref name="classes"/> outputs; indices without a name are called "class i".</summary>
    public ClassLabels(IReadOnlyList<string> names, int classes)
    {
        if (names.Count > classes)
            throw new ArgumentException($"Got {names.Count} labels for a model with {classes} outputs.");
        Names = [.. names, .. Enumerable.Range(names.Count, classes - names.Count).Select(i => $"class {i}")];
    }

    /// <summary>One name per output index.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Reads a label file: one label per line (blank lines are labels too, as positions matter).</summary>
    public static ClassLabels Load(string path, int classes)
    {
        var lines = File.ReadAllLines(path).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return new ClassLabels(lines, classes);
    }

    /// <summary>
    /// The <paramref name="k"/> most probable classes of each image of <paramref name="probabilities"/>
    /// [N, classes] (apply softmax first if the model returns logits).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Prediction>> TopK(Tensor probabilities, int k = 5)
    {
        if (probabilities.ndim != 2 || probabilities.shape[1] != Names.Count)
            throw new ArgumentException($"Expected probabilities [N, {Names.Count}]; got [{string.Join(",", probabilities.shape)}].");
        if (k < 1 || k > Names.Count) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in 1..{Names.Count}.");
        using var scope = NewDisposeScope();
        var (values, indexes) = probabilities.detach().cpu().to(float32).topk(k, dim: 1);
        var v = values.data<float>().ToArray();
        var ix = indexes.data<long>().ToArray();
        return Enumerable.Range(0, (int)probabilities.shape[0])
            .Select(n => (IReadOnlyList<Prediction>)Enumerable.Range(0, k)
                .Select(r => new Prediction(r + 1, (int)ix[n * k + r], Names[(int)ix[n * k + r]], v[n * k + r])).ToList())
            .ToList();
    }
}
