using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Models;

/// <summary>
/// A 2-D convolution (parameters <c>weight</c> and <c>bias</c>, like <c>nn.Conv2d</c>) that works around a
/// float32 CPU bug measured with libtorch 2.10 (TorchSharp 0.107.0, oneDNN 3.7.1, <c>jit:avx512_core</c>
/// direct convolution) on this project's AMD Zen 4 machines: when the input channels are not a multiple
/// of 16 and the kernel is larger than 1×1, many shapes come out wrong by 10–50 % of their range —
/// mostly with more than 16 input channels (e.g. InceptionV1's <c>mixed4b_5x5</c>, 24 → 64 channels),
/// and with fewer when the output is 1×1. Zero-padding the input channels (and the weights) to a
/// multiple of 16 computes the same convolution on a path that is correct; the tests check it against
/// float64 over a grid of shapes. Other shapes run unchanged.
/// </summary>
public sealed class SafeConv2d : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter bias;
    readonly long _stride, _padding;

    /// <summary>Creates the layer with PyTorch's default initialization.</summary>
    public SafeConv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0) : base(nameof(SafeConv2d))
    {
        using var reference = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding);
        weight = new Parameter(reference.weight!.detach().clone());
        bias = new Parameter(reference.bias!.detach().clone());
        _stride = stride;
        _padding = padding;
        InChannels = inChannels;
        Kernel = kernel;
        RegisterComponents();
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }
    /// <summary>Kernel size (square).</summary>
    public long Kernel { get; }

    /// <summary>Whether this shape takes the padded path on <paramref name="input"/>'s device and dtype.</summary>
    public static bool NeedsChannelPadding(long inChannels, long kernel, long padding, Tensor input) =>
        input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32 && kernel > 1 && inChannels % 16 != 0 &&
        (inChannels > 16 || input.shape[2] + 2 * padding <= kernel || input.shape[3] + 2 * padding <= kernel);

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        if (!NeedsChannelPadding(InChannels, Kernel, _padding, x))
            return nn.functional.conv2d(x, weight, bias, strides: [_stride, _stride], padding: [_padding, _padding]);
        using var scope = NewDisposeScope();
        long extra = (16 - InChannels % 16) % 16;
        var xp = nn.functional.pad(x, [0, 0, 0, 0, 0, extra]);
        var wp = nn.functional.pad(weight, [0, 0, 0, 0, 0, extra]);
        return nn.functional.conv2d(xp, wp, bias, strides: [_stride, _stride], padding: [_padding, _padding]).MoveToOuterDisposeScope();
    }
}
