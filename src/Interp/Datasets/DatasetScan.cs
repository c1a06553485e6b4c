using System.Diagnostics;
using System.Text.Json;
using Interp.Hooks;
using Interp.Images;
using static TorchSharp.torch;

namespace Interp.Datasets;

/// <summary>Progress of a scan: images done of this run's range, elapsed time and an estimate of the time left.</summary>
public sealed record ScanProgress(int Done, int Total, TimeSpan Elapsed, TimeSpan? Remaining)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Done}/{Total} images, {Elapsed.TotalSeconds:0}s" + (Remaining is { } r ? $", about {r.TotalSeconds:0}s left" : "");
}

/// <summary>
/// Finds the dataset examples of every channel of a layer: for each image, each channel's strongest and weakest
/// response and where it is; the top and bottom <see cref="ScanSettings.TopK"/> over the images. The model runs only
/// up to the layer. A scan can cover one shard of the images, can be cancelled and resumed from a checkpoint file,
/// and skips (and reports) files it cannot read.
/// </summary>
public static class DatasetScan
{
    sealed record Checkpoint(string Key, int NextImage, ScanResult Result);

    /// <summary>Scans <paramref name="shard"/> of <paramref name="source"/> at <paramref name="layer"/>.</summary>
    /// <param name="checkpointPath">When given: resumed from if it holds a checkpoint of this very scan, written every
    /// <see cref="ScanSettings.CheckpointEvery"/> images and at the end (so a finished scan is returned from it at once).</param>
    public static ScanResult Run(HookedModel model, string layer, IImageSource source, ScanSettings? settings = null, Shard? shard = null,
        string? checkpointPath = null, IProgress<ScanProgress>? progress = null, CancellationToken cancellation = default)
    {
        settings ??= new ScanSettings();
        settings.Validate();
        model.RequireLayer(layer);
        var part = shard ?? Shard.All;
        var (start, end) = part.Range(source.Count);
        var key = $"{model.Name}|{layer}|{source.Name}|{source.Count} images|{settings}|shard {part}";
        int channels = (int)model.Layer(layer, settings.Size).Shape[1];

        var result = ScanResult.Empty(model.Name, layer, source.Name, source.Count, settings, channels);
        int next = start;
        if (checkpointPath is not null && File.Exists(checkpointPath))
        {
            Checkpoint? saved;
            try { saved = JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(checkpointPath)); }
            catch (JsonException e) { throw new InvalidDataException($"'{checkpointPath}' is not a scan checkpoint ({e.Message}); delete it to start the scan afresh.", e); }
            if (saved is null) throw new InvalidDataException($"'{checkpointPath}' is not a scan checkpoint; delete it to start the scan afresh.");
            if (saved.Key != key)
                throw new InvalidOperationException($"'{checkpointPath}' holds a checkpoint of another scan ({saved.Key}); this scan is {key}. Use another file or delete it.");
            (result, next) = (saved.Result, saved.NextImage);
        }

        var watch = Stopwatch.StartNew();
        int doneAtStart = next - start, sinceCheckpoint = 0;
        using var _ = no_grad();
        while (next < end)
        {
            cancellation.ThrowIfCancellationRequested();
            int batchEnd = Math.Min(end, next + settings.BatchSize);
            ScanBatch(model, layer, source, settings, result, next, batchEnd);
            result.AddRange(next, batchEnd);
            sinceCheckpoint += batchEnd - next;
            next = batchEnd;
            if (checkpointPath is not null && (sinceCheckpoint >= settings.CheckpointEvery || next == end))
            {
                Save(checkpointPath, new Checkpoint(key, next, result));
                sinceCheckpoint = 0;
            }
            int done = next - start, thisRun = done - doneAtStart;
            TimeSpan? left = thisRun > 0 ? TimeSpan.FromSeconds(watch.Elapsed.TotalSeconds / thisRun * (end - next)) : null;
            progress?.Report(new ScanProgress(done, end - start, watch.Elapsed, left));
        }
        return result;
    }

    static void ScanBatch(HookedModel model, string layer, IImageSource source, ScanSettings settings, ScanResult result, int from, int to)
    {
        using var scope = NewDisposeScope();
        var images = new List<Tensor>();
        var indices = new List<int>();
        for (int i = from; i < to; i++)
        {
            try
            {
                using var raw = source.Load(i);
                images.Add(ImageTensors.ResizeCenterCrop(raw, settings.Size));
                indices.Add(i);
            }
            catch (ImageLoadException e)
            {
                result.Skipped.Add(new SkippedImage(i, source.Id(i), e.Message));
            }
        }
        if (images.Count == 0) return;
        using var cache = model.RunWithCache(stack(images).to(model.Dtype), [layer], stopEarly: true);
        var act = cache[layer].to(float32);
        if (act.ndim != 4) throw new InvalidOperationException($"Layer '{layer}' gives [{string.Join(",", act.shape)}]; a scan needs a spatial layer [N, C, H, W].");
        long w = act.shape[3];
        var flat = act.flatten(2);                                   // [B, C, H·W]
        var (maxValues, maxIndices) = flat.max(2);
        var (minValues, minIndices) = flat.min(2);
        var maxV = maxValues.contiguous().data<float>().ToArray();
        var maxI = maxIndices.contiguous().data<long>().ToArray();
        var minV = minValues.contiguous().data<float>().ToArray();
        var minI = minIndices.contiguous().data<long>().ToArray();
        int c = result.Channels;
        var ids = indices.Select(source.Id).ToArray();
        for (int ch = 0; ch < c; ch++)
        {
            var tops = indices.Select((img, b) => new DatasetExample(img, ids[b], (int)(maxI[b * c + ch] / w), (int)(maxI[b * c + ch] % w), maxV[b * c + ch]));
            var bottoms = indices.Select((img, b) => new DatasetExample(img, ids[b], (int)(minI[b * c + ch] / w), (int)(minI[b * c + ch] % w), minV[b * c + ch]));
            ScanResult.Keep(result.Top[ch], tops, ScanResult.CompareTop, settings.TopK);
            ScanResult.Keep(result.Bottom[ch], bottoms, ScanResult.CompareBottom, settings.TopK);
            ScanResult.Keep(result.Weakest[ch], tops, ScanResult.CompareBottom, settings.TopK);
        }
        if (settings.Sample > 0)
            result.KeepSample(indices.Select((img, b) => new SampledImage(img, ids[b], ScanResult.SampleHash(ids[b]), maxV[(b * c)..((b + 1) * c)],
                [.. Enumerable.Range(0, c).Select(ch => (int)(maxI[b * c + ch] / w))], [.. Enumerable.Range(0, c).Select(ch => (int)(maxI[b * c + ch] % w))])));
    }

    static void Save(string path, Checkpoint checkpoint)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temp, JsonSerializer.Serialize(checkpoint));
        File.Move(temp, path, overwrite: true);
    }
}
