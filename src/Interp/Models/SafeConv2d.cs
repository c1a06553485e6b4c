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
/// <para>The backward pass has the mirror fault (measured on an AMD Zen 5 host, 2026-12-02): the gradient with
/// respect to the input is wrong, often NaN, when the <em>output</em> channels are not a multiple of 16 and the
/// kernel is larger than 1×1 — e.g. InceptionV1's <c>mixed4a_3x3</c> (96 → 204 channels), which every render at
/// <c>mixed4a</c> or deeper backpropagates through. The forward values and the weight gradient are right. So when
/// the input takes part in a gradient and <see cref="SelfTest"/> found the backward fault, the output channels are
/// zero-padded too and the extra channels dropped from the result: the same values, and a gradient computed on the
/// correct path.</para>
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

    /// <summary>The weights [out, in, k, k] (<c>nn.Conv2d</c>'s <c>weight</c>).</summary>
    public Parameter Weight => weight;
    /// <summary>The bias [out], or null for a layer made without one.</summary>
    public Parameter? Bias => bias;
    /// <summary>Input channels.</summary>
    public long InChannels { get; }
    /// <summary>Kernel size (square).</summary>
    public long Kernel { get; }

    /// <summary>Whether a shape belongs to the class the fault affects (float32 on CPU, channels not a multiple of 16, kernel above 1×1).</summary>
    public static bool IsAffectedShape(long inChannels, long kernel, long padding, Tensor input) =>
        OnAffectedPath(kernel, input) && inChannels % 16 != 0 &&
        (inChannels > 16 || input.shape[2] + 2 * padding <= kernel || input.shape[3] + 2 * padding <= kernel);

    /// <summary>Whether this shape takes the padded path: an affected shape on a CPU whose <see cref="SelfTest"/> found the fault.</summary>
    public static bool NeedsChannelPadding(long inChannels, long kernel, long padding, Tensor input) =>
        IsAffectedShape(inChannels, kernel, padding, input) && SelfTest.ForwardFaulty;

    /// <summary>
    /// Whether a convolution belongs to the class the backward fault affects: float32 on CPU, output channels not a
    /// multiple of 16, kernel above 1×1, and an input whose gradient will be computed (it requires grad, grad mode on).
    /// </summary>
    public static bool IsAffectedBackwardShape(long outChannels, long kernel, Tensor input) =>
        OnAffectedPath(kernel, input) && outChannels % 16 != 0 && input.requires_grad && is_grad_enabled();

    // Both faults: float32 on CPU, a kernel above 1×1.
    static bool OnAffectedPath(long kernel, Tensor input) =>
        input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32 && kernel > 1;

    /// <summary>Whether this convolution pads its output channels: an affected backward shape on a CPU whose <see cref="SelfTest"/> found the backward fault.</summary>
    public static bool NeedsOutputChannelPadding(long outChannels, long kernel, Tensor input) =>
        IsAffectedBackwardShape(outChannels, kernel, input) && SelfTest.BackwardFaulty;

    /// <summary>The one-time check of this CPU's float32 convolution (run on first use).</summary>
    public static ConvolutionSelfTest SelfTest => _selfTest.Value;
    static readonly Lazy<ConvolutionSelfTest> _selfTest = new(ConvolutionSelfTest.Run);

    /// <inheritdoc/>
    public override Tensor forward(Tensor x) => Conv2d(x, weight, bias, _stride, _padding);

    /// <summary>
    /// A square-kernel convolution of <paramref name="x"/> with <paramref name="weight"/> [out, in, k, k], on a padded path
    /// where this CPU needs it for this shape (<see cref="NeedsChannelPadding"/>, <see cref="NeedsOutputChannelPadding"/>),
    /// else libtorch's own.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, long stride, long padding)
    {
        bool padInput = NeedsChannelPadding(weight.shape[1], weight.shape[2], padding, x);
        bool padOutput = NeedsOutputChannelPadding(weight.shape[0], weight.shape[2], x);
        return padInput || padOutput
            ? PaddedConv2d(x, weight, bias, stride, padding, padInput, padOutput)
            : nn.functional.conv2d(x, weight, bias, strides: [stride, stride], padding: [padding, padding]);
    }

    /// <summary>
    /// The convolution with the input channels (<paramref name="inputChannels"/>: input and weights) and/or the output
    /// channels (<paramref name="outputChannels"/>: weights and bias, the extra outputs dropped) zero-padded to a multiple
    /// of 16: the same result, and the same input gradient, on a correct path.
    /// </summary>
    public static Tensor PaddedConv2d(Tensor x, Tensor weight, Tensor? bias, long stride, long padding, bool inputChannels = true, bool outputChannels = false)
    {
        using var scope = NewDisposeScope();
        long extraIn = inputChannels ? (16 - x.shape[1] % 16) % 16 : 0;
        long outChannels = weight.shape[0];
        long extraOut = outputChannels ? (16 - outChannels % 16) % 16 : 0;
        var xp = extraIn > 0 ? nn.functional.pad(x, [0, 0, 0, 0, 0, extraIn]) : x;
        var wp = extraIn > 0 || extraOut > 0 ? nn.functional.pad(weight, [0, 0, 0, 0, 0, extraIn, 0, extraOut]) : weight;
        var bp = bias is not null && extraOut > 0 ? nn.functional.pad(bias, [0, extraOut]) : bias;
        var y = nn.functional.conv2d(xp, wp, bp, strides: [stride, stride], padding: [padding, padding]);
        if (extraOut > 0) y = y.narrow(1, 0, outChannels).contiguous();
        return y.MoveToOuterDisposeScope();
    }
}
