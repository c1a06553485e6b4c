using Interp.Images;
using Interp.Stimuli;
using static TorchSharp.torch;

namespace Interp.Datasets;

/// <summary>Pictures of dataset examples: each example's receptive-field crop of the image as the scan saw it.</summary>
public static class DatasetExamples
{
    /// <summary>
    /// The crops [3, h, w] of <paramref name="examples"/> from <paramref name="source"/>: each image resized and centre-cropped to
    /// <paramref name="size"/> as the scan did, then cut to the field of the example's position.
    /// </summary>
    public static IReadOnlyList<Tensor> Crops(IImageSource source, IEnumerable<DatasetExample> examples, FieldGeometry field, int size)
    {
        var crops = new List<Tensor>();
        foreach (var e in examples)
        {
            using var scope = NewDisposeScope();
            using var raw = source.Load(e.Image);
            var image = ImageTensors.ResizeCenterCrop(raw, size);
            var rf = field.At(e.Y, e.X);
            crops.Add(image[.., TensorIndex.Slice(rf.Top, rf.Bottom + 1), TensorIndex.Slice(rf.Left, rf.Right + 1)].contiguous().MoveToOuterDisposeScope());
        }
        return crops;
    }

    /// <summary>A grid of the top examples of <paramref name="channel"/> (their receptive-field crops), captioned with image and activation.</summary>
    public static ImageGrid Grid(ScanResult result, IImageSource source, int channel, FieldGeometry field, int columns = 9, int cellPixels = 96)
    {
        if (channel < 0 || channel >= result.Channels) throw new ArgumentOutOfRangeException(nameof(channel), channel,
            $"Channels of '{result.Layer}' are 0..{result.Channels - 1}.");
        var top = result.Top[channel];
        var crops = Crops(source, top, field, result.Settings.Size);
        return ImageGrid.Of(crops, [.. top.Select(e => $"{e.ImageId} ({e.Activation:G3})")], columns, $"{result.Model} {result.Layer}:{channel} — top examples", cellPixels);
    }
}
