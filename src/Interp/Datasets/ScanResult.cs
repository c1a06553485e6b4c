using System.Text.Json;

namespace Interp.Datasets;

/// <summary>One dataset example of a channel: the image, the position of the channel's strongest (or weakest) response in it, and the value.</summary>
public sealed record DatasetExample(int Image, string ImageId, int Y, int X, float Activation);

/// <summary>
/// One image of a scan's sample (<see cref="ScanSettings.Sample"/>): its index and id, its place in the sample's order
/// (<see cref="SampleHash"/>), and every channel's strongest response in it with that response's position.
/// </summary>
public sealed record SampledImage(int Image, string ImageId, ulong SampleHash, float[] Maxima, int[] Y, int[] X);

/// <summary>An image a scan could not read, and why.</summary>
public sealed record SkippedImage(int Image, string ImageId, string Reason);

/// <summary>Settings of a dataset scan.</summary>
/// <param name="Size">Each image is resized (shorter side) and centre-cropped to this size.</param>
/// <param name="TopK">Examples kept per channel, at each end.</param>
/// <param name="BatchSize">Images per forward pass.</param>
/// <param name="CheckpointEvery">Images between checkpoints (when a checkpoint file is given).</param>
/// <param name="Sample">Images kept in a uniform sample of the dataset with every channel's strongest response (0: none), from which
/// <see cref="ScanResult.Spread"/> picks examples across the activation range. The sample is the images whose ids hash lowest, so it
/// is the same whatever the order or sharding of the scan.</param>
public sealed record ScanSettings(int Size = 224, int TopK = 9, int BatchSize = 32, int CheckpointEvery = 256, int Sample = 0)
{
    /// <summary>Checks the values, naming what is wrong.</summary>
    public void Validate()
    {
        if (Size < 8) throw new ArgumentOutOfRangeException(nameof(Size), Size, "Images are scanned at 8 px or more.");
        if (TopK < 1) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "Keep at least one example per channel.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The batch size must be at least 1.");
        if (CheckpointEvery < 1) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, "Checkpoint at least every image.");
        if (Sample < 0) throw new ArgumentOutOfRangeException(nameof(Sample), Sample, "The sample holds 0 images (none kept) or more.");
    }
}

/// <summary>
/// The top, weakest and bottom examples of every channel of one layer over a range of a dataset, and optionally a sample of
/// images for examples across the activation range. Results of disjoint ranges
/// (shards) <see cref="Merge"/> into exactly the result of one pass: ties are broken by image index.
/// </summary>
public sealed class ScanResult
{
    /// <summary>The zoo or model name.</summary>
    public required string Model { get; init; }
    /// <summary>The scanned layer.</summary>
    public required string Layer { get; init; }
    /// <summary>The dataset's name (<see cref="IImageSource.Name"/>).</summary>
    public required string Dataset { get; init; }
    /// <summary>Images in the whole dataset.</summary>
    public required int DatasetImages { get; init; }
    /// <summary>The settings.</summary>
    public required ScanSettings Settings { get; init; }
    /// <summary>Channels of the layer.</summary>
    public required int Channels { get; init; }
    /// <summary>Image ranges [start, end) scanned so far, sorted and disjoint.</summary>
    public List<int[]> Scanned { get; init; } = [];
    /// <summary>Per channel, the highest responses, best first.</summary>
    public required List<List<DatasetExample>> Top { get; init; }
    /// <summary>Per channel, the lowest responses, lowest first.</summary>
    public required List<List<DatasetExample>> Bottom { get; init; }
    /// <summary>
    /// Per channel, the images whose strongest response is lowest (that response and its position), lowest first: the images
    /// that drive the channel least anywhere. After a ReLU, where <see cref="Bottom"/> is all zeros, these still differ.
    /// </summary>
    public List<List<DatasetExample>> Weakest { get; init; } = [];
    /// <summary>The sample (<see cref="ScanSettings.Sample"/> images at most), by <see cref="SampledImage.SampleHash"/>.</summary>
    public List<SampledImage> Sample { get; init; } = [];
    /// <summary>Images that could not be read.</summary>
    public List<SkippedImage> Skipped { get; init; } = [];

    /// <summary>Images scanned (read or skipped).</summary>
    public int ImagesScanned => Scanned.Sum(r => r[1] - r[0]);

    /// <summary>An empty result of a scan of <paramref name="dataset"/>, which holds <paramref name="datasetImages"/> images.</summary>
    public static ScanResult Empty(string model, string layer, string dataset, int datasetImages, ScanSettings settings, int channels) => new()
    {
        Model = model, Layer = layer, Dataset = dataset, DatasetImages = datasetImages, Settings = settings, Channels = channels,
        Top = [.. Enumerable.Range(0, channels).Select(_ => new List<DatasetExample>())],
        Bottom = [.. Enumerable.Range(0, channels).Select(_ => new List<DatasetExample>())],
        Weakest = [.. Enumerable.Range(0, channels).Select(_ => new List<DatasetExample>())],
    };

    /// <summary>
    /// The sample's order of an image: FNV-1a (64 bit) of its id's UTF-8 bytes. Ids of a dataset are distinct, so the lowest
    /// hashes are a fixed pseudo-random subset whatever order or shards the images are scanned in.
    /// </summary>
    public static ulong SampleHash(string imageId)
    {
        ulong hash = 14695981039346656037;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(imageId)) hash = (hash ^ b) * 1099511628211;
        return hash;
    }

    internal static int CompareSample(SampledImage a, SampledImage b) => a.SampleHash != b.SampleHash ? a.SampleHash.CompareTo(b.SampleHash) : a.Image.CompareTo(b.Image);

    internal void KeepSample(IEnumerable<SampledImage> candidates)
    {
        Sample.AddRange(candidates);
        Sample.Sort(CompareSample);
        if (Sample.Count > Settings.Sample) Sample.RemoveRange(Settings.Sample, Sample.Count - Settings.Sample);
    }

    /// <summary>
    /// Examples of <paramref name="channel"/> across its activation range: for each percentile p (0–100) the sampled image whose
    /// strongest response has that rank among the sample's (nearest rank: the ⌈p/100 · n⌉-th smallest, ties by image index), at
    /// that response's position. Against the interpretability illusion of top examples only (Bolukbasi et al. 2021).
    /// </summary>
    /// <exception cref="InvalidOperationException">The scan kept no sample (<see cref="ScanSettings.Sample"/> = 0) or read no image.</exception>
    public IReadOnlyList<DatasetExample> Spread(int channel, IReadOnlyList<double> percentiles)
    {
        if (channel < 0 || channel >= Channels) throw new ArgumentOutOfRangeException(nameof(channel), channel, $"The scan has channels 0..{Channels - 1}.");
        if (Sample.Count == 0)
            throw new InvalidOperationException(Settings.Sample == 0
                ? "The scan kept no sample of images (ScanSettings.Sample = 0); scan with a sample, e.g. Sample = 1024, for examples across the range."
                : $"The scan of '{Dataset}' has read no image yet ({ImagesScanned} scanned, {Skipped.Count} skipped).");
        foreach (var p in percentiles)
            if (!(p >= 0 && p <= 100)) throw new ArgumentOutOfRangeException(nameof(percentiles), p, "Percentiles run from 0 to 100.");
        var ranked = Sample.OrderBy(s => s.Maxima[channel]).ThenBy(s => s.Image).ToList();
        return [.. percentiles.Select(p =>
        {
            var s = ranked[Math.Clamp((int)Math.Ceiling(p / 100 * ranked.Count) - 1, 0, ranked.Count - 1)];
            return new DatasetExample(s.Image, s.ImageId, s.Y[channel], s.X[channel], s.Maxima[channel]);
        })];
    }

    internal static int CompareTop(DatasetExample a, DatasetExample b) => b.Activation != a.Activation ? b.Activation.CompareTo(a.Activation) : a.Image.CompareTo(b.Image);
    internal static int CompareBottom(DatasetExample a, DatasetExample b) => a.Activation != b.Activation ? a.Activation.CompareTo(b.Activation) : a.Image.CompareTo(b.Image);

    internal static void Keep(List<DatasetExample> list, IEnumerable<DatasetExample> candidates, Comparison<DatasetExample> order, int k)
    {
        list.AddRange(candidates);
        list.Sort(order);
        if (list.Count > k) list.RemoveRange(k, list.Count - k);
    }

    internal void AddRange(int start, int end)
    {
        if (end <= start) return;
        if (Scanned.Any(r => start < r[1] && r[0] < end)) throw new InvalidOperationException($"Images {start}..{end - 1} overlap a range already scanned.");
        Scanned.Add([start, end]);
        Scanned.Sort((a, b) => a[0].CompareTo(b[0]));
        for (int i = Scanned.Count - 1; i > 0; i--)
            if (Scanned[i - 1][1] == Scanned[i][0]) { Scanned[i - 1] = [Scanned[i - 1][0], Scanned[i][1]]; Scanned.RemoveAt(i); }
    }

    /// <summary>
    /// Each channel's largest activation over the scanned images (its first top example), e.g. the natural scale a curve
    /// search compares stimulus responses with.
    /// </summary>
    public double[] Peaks()
    {
        if (ImagesScanned == 0 || Top.Any(t => t.Count == 0))
            throw new InvalidOperationException($"The scan of '{Dataset}' has no examples yet ({ImagesScanned} images scanned, {Skipped.Count} skipped); peaks need at least one " +
                "image read.");
        return [.. Top.Select(t => (double)t[0].Activation)];
    }

    /// <summary>The result of both scans together; they must be of the same model, layer, dataset and settings, over disjoint ranges.</summary>
    public ScanResult Merge(ScanResult other)
    {
        if (other.Model != Model || other.Layer != Layer || other.Dataset != Dataset || other.DatasetImages != DatasetImages || other.Settings != Settings
            || other.Channels != Channels)
            throw new ArgumentException($"Cannot merge a scan of {other.Model}/{other.Layer} on '{other.Dataset}' ({other.Settings}) into one of {Model}/{Layer} on '{Dataset}' " +
                $"({Settings}).", nameof(other));
        var merged = Empty(Model, Layer, Dataset, DatasetImages, Settings, Channels);
        foreach (var r in Scanned.Concat(other.Scanned)) merged.AddRange(r[0], r[1]);
        for (int c = 0; c < Channels; c++)
        {
            Keep(merged.Top[c], Top[c].Concat(other.Top[c]), CompareTop, Settings.TopK);
            Keep(merged.Bottom[c], Bottom[c].Concat(other.Bottom[c]), CompareBottom, Settings.TopK);
            Keep(merged.Weakest[c], (Weakest.ElementAtOrDefault(c) ?? []).Concat(other.Weakest.ElementAtOrDefault(c) ?? []), CompareBottom, Settings.TopK);
        }
        merged.KeepSample(Sample.Concat(other.Sample));
        merged.Skipped.AddRange(Skipped.Concat(other.Skipped).OrderBy(s => s.Image));
        return merged;
    }

    /// <summary>Merges any number of shard results.</summary>
    public static ScanResult MergeAll(IEnumerable<ScanResult> parts) => parts.Aggregate((a, b) => a.Merge(b));

    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>JSON (stable: equal results give equal text).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads <see cref="ToJson"/>'s output.</summary>
    public static ScanResult FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ScanResult>(json, Json) ?? throw new InvalidDataException("The scan result is JSON null, not a scan result.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not a scan result (the JSON that `interp scan` and ScanResult.ToJson write): {e.Message}", e);
        }
    }
}
