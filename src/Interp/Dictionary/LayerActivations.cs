using Interp.Datasets;
using Interp.Hooks;
using Interp.Images;
using static TorchSharp.torch;

namespace Interp.Dictionary;

/// <summary>
/// Every position of a layer over an image set as a stream of activation vectors (the channels at one position), shuffled
/// with a fixed seed and scaled by one number so their mean squared norm is the layer's width (so hyper-parameters such as
/// the L1 coefficient transfer between layers). Epoch e visits the images in a seeded order, <see cref="ImagesPerBuffer"/>
/// at a time; a buffer's vectors are shuffled among themselves. Only one buffer is held, so memory is bounded by it, not by
/// the image set; vector i is always the same, so training can resume anywhere (a jump recomputes one buffer).
/// </summary>
public sealed class LayerActivations : IActivationSource, IDisposable
{
    readonly HookedModel _model;
    readonly IImageSource _images;
    readonly long _seed;
    Tensor? _buffer;
    long _bufferIndex = -1;

    /// <summary>
    /// Vectors of <paramref name="layer"/> over <paramref name="images"/> (resized and centre-cropped to <paramref name="size"/>,
    /// the model's input size by default). The scale is measured on the first buffer of epoch 0, unless given
    /// (<paramref name="scale"/>: e.g. a training stream's, for held-out images).
    /// </summary>
    /// <exception cref="ArgumentException">The layer has no spatial positions, or the image set is empty.</exception>
    public LayerActivations(HookedModel model, string layer, IImageSource images, int? size = null, int imagesPerBuffer = 16, long seed = 0,
        double? scale = null)
    {
        model.RequireLayer(layer);
        if (images.Count == 0) throw new ArgumentException($"The image set '{images.Name}' is empty: there are no activations to learn a dictionary from.", nameof(images));
        if (imagesPerBuffer < 1) throw new ArgumentOutOfRangeException(nameof(imagesPerBuffer), imagesPerBuffer, "A buffer holds at least 1 image.");
        Size = size ?? model.Input.Size;
        var shape = model.Layer(layer, Size).Shape;
        if (shape.Count != 4)
            throw new ArgumentException($"'{layer}' gives [{string.Join(", ", shape)}], not a map [N, C, H, W]: a dictionary over positions needs a layer with " +
                "spatial positions (a convolutional layer).", nameof(layer));
        (_model, _images, _seed, Layer) = (model, images, seed, layer);
        Width = (int)shape[1];
        PositionsPerImage = (int)(shape[2] * shape[3]);
        ImagesPerBuffer = Math.Min(imagesPerBuffer, images.Count);
        if (scale is { } given)
        {
            if (!(given > 0) || double.IsInfinity(given)) throw new ArgumentOutOfRangeException(nameof(scale), given, "The scale must be a positive number.");
            Scale = given;
            return;
        }
        Scale = 1;
        using var scope = NewDisposeScope();
        var first = Raw(0);
        double meanSquare = first.pow(2).sum(1).mean().item<float>();
        if (!(meanSquare > 0)) throw new InvalidOperationException($"'{layer}' is zero at every position of the first {ImagesPerBuffer} images; there is nothing to learn.");
        Scale = Math.Sqrt(Width / meanSquare);
    }

    /// <summary>The layer.</summary>
    public string Layer { get; }

    /// <summary>The image size the model sees.</summary>
    public int Size { get; }

    /// <inheritdoc/>
    public int Width { get; }

    /// <summary>Positions (vectors) per image: the map's height × width.</summary>
    public int PositionsPerImage { get; }

    /// <summary>Images per shuffle buffer (the memory bound: this × positions × width floats).</summary>
    public int ImagesPerBuffer { get; }

    /// <summary>The factor every vector is multiplied by (measured once; record it with a dictionary to map features back to raw activations).</summary>
    public double Scale { get; private set; }

    /// <summary>Vectors in one pass over the images.</summary>
    public long VectorsPerEpoch => (long)_images.Count * PositionsPerImage;

    /// <inheritdoc/>
    public string Name => $"{_model.Name} {Layer} over '{_images.Name}' ({_images.Count} images at {Size} px, seed {_seed})";

    long VectorsPerBuffer(long buffer) => (long)ImagesInBuffer(buffer).Length * PositionsPerImage;

    int BuffersPerEpoch => (_images.Count + ImagesPerBuffer - 1) / ImagesPerBuffer;

    /// <summary>The images of buffer b: epoch b / buffers-per-epoch, in that epoch's seeded order.</summary>
    int[] ImagesInBuffer(long buffer)
    {
        long epoch = buffer / BuffersPerEpoch;
        int within = (int)(buffer % BuffersPerEpoch);
        var order = Enumerable.Range(0, _images.Count).ToArray();
        new Random(unchecked((int)(_seed * 1_000_003 + epoch * 7_919))).Shuffle(order);
        return order[(within * ImagesPerBuffer)..Math.Min(_images.Count, (within + 1) * ImagesPerBuffer)];
    }

    /// <summary>Buffer b's vectors, unscaled and shuffled, [vectors, Width] float32.</summary>
    Tensor Raw(long buffer)
    {
        using var scope = NewDisposeScope();
        var images = ImagesInBuffer(buffer).Select(i =>
        {
            using var raw = _images.Load(i);
            return ImageTensors.ResizeCenterCrop(raw, Size);
        }).ToList();
        using var _ = no_grad();
        using var cache = _model.RunWithCache(stack(images).to(_model.Dtype), [Layer], stopEarly: true);
        var vectors = cache[Layer].permute(0, 2, 3, 1).reshape(-1, Width).to(float32);
        var shuffle = randperm(vectors.shape[0], generator: new Generator().manual_seed(unchecked(_seed * 1_000_003 + buffer)));
        return vectors.index_select(0, shuffle).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor Batch(long start, int count)
    {
        if (start < 0 || count < 1) throw new ArgumentOutOfRangeException(nameof(count), $"Vectors start at index ≥ 0 and come at least one at a time (got {start}, {count}).");
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        long at = start, end = start + count;
        while (at < end)
        {
            // Which buffer holds vector `at`: every epoch has the same buffers' sizes.
            long epochVectors = VectorsPerEpoch, epoch = at / epochVectors, offset = at % epochVectors, buffer = epoch * BuffersPerEpoch;
            while (offset >= VectorsPerBuffer(buffer)) { offset -= VectorsPerBuffer(buffer); buffer++; }
            if (buffer != _bufferIndex)
            {
                _buffer?.Dispose();
                _buffer = (Raw(buffer) * Scale).DetachFromDisposeScope();
                _bufferIndex = buffer;
            }
            long take = Math.Min(end - at, _buffer!.shape[0] - offset);
            parts.Add(_buffer.narrow(0, offset, take));
            at += take;
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _buffer?.Dispose();
        _buffer = null;
    }
}
