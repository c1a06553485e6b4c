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
/// <para>The fault belongs to a CPU, not to a shape: Intel Xeon hosts (AVX-512 VNNI) computed every shape
/// right. So the padded path is taken only when <see cref="SelfTest"/>, run once per process on a few shapes
/// known to go wrong, finds this CPU computing at least one of them wrongly.</para>
/// </summary>
public sealed class SafeConv2d : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter? bias;
    readonly long _stride, _padding;

    /// <summary>Creates the layer with PyTorch's default initialization; without <paramref name="hasBias"/> it has only <c>weight</c>.</summary>
    public SafeConv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, bool hasBias = true) : base(nameof(SafeConv2d))
    {
        using var reference = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding, bias: hasBias);
        weight = new Parameter(reference.weight!.detach().clone());
        register_parameter("weight", weight);
        if (hasBias)
        {
            bias = new Parameter(reference.bias!.detach().clone());
            register_parameter("bias", bias);
        }
        _stride = stride;
        _padding = padding;
        InChannels = inChannels;
        Kernel = kernel;
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }
    /// <summary>Kernel size (square).</summary>
    public long Kernel { get; }

    /// <summary>Whether a shape belongs to the class the fault affects (float32 on CPU, channels not a multiple of 16, kernel above 1×1).</summary>
    public static bool IsAffectedShape(long inChannels, long kernel, long padding, Tensor input) =>
        input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32 && kernel > 1 && inChannels % 16 != 0 &&
        (inChannels > 16 || input.shape[2] + 2 * padding <= kernel || input.shape[3] + 2 * padding <= kernel);

    /// <summary>Whether this shape takes the padded path: an affected shape on a CPU whose <see cref="SelfTest"/> found the fault.</summary>
    public static bool NeedsChannelPadding(long inChannels, long kernel, long padding, Tensor input) =>
        IsAffectedShape(inChannels, kernel, padding, input) && SelfTest.Faulty;

    /// <summary>The one-time check of this CPU's float32 convolution (run on first use).</summary>
    public static ConvolutionSelfTest SelfTest => _selfTest.Value;
    static readonly Lazy<ConvolutionSelfTest> _selfTest = new(ConvolutionSelfTest.Run);

    /// <inheritdoc/>
    public override Tensor forward(Tensor x) => Conv2d(x, weight, bias, _stride, _padding);

    /// <summary>
    /// A square-kernel convolution of <paramref name="x"/> with <paramref name="weight"/> [out, in, k, k], on the padded path when
    /// this CPU needs it for this shape (<see cref="NeedsChannelPadding"/>), else libtorch's own.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, long stride, long padding) =>
        NeedsChannelPadding(weight.shape[1], weight.shape[2], padding, x)
            ? PaddedConv2d(x, weight, bias, stride, padding)
            : nn.functional.conv2d(x, weight, bias, strides: [stride, stride], padding: [padding, padding]);

    /// <summary>The convolution with input channels (and weights) zero-padded to a multiple of 16: the same result on a correct path.</summary>
    public static Tensor PaddedConv2d(Tensor x, Tensor weight, Tensor? bias, long stride, long padding)
    {
        using var scope = NewDisposeScope();
        long inChannels = x.shape[1];
        long extra = (16 - inChannels % 16) % 16;
        var xp = nn.functional.pad(x, [0, 0, 0, 0, 0, extra]);
        var wp = nn.functional.pad(weight, [0, 0, 0, 0, 0, extra]);
        return nn.functional.conv2d(xp, wp, bias, strides: [stride, stride], padding: [padding, padding]).MoveToOuterDisposeScope();
    }
}
