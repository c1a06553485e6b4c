using Interp.Runtime;
using static TorchSharp.torch;

namespace Interp.Models;

/// <summary>
/// The result of checking this CPU's float32 convolution against float64 on shapes that libtorch 2.10
/// computes wrongly on some CPUs (see <see cref="SafeConv2d"/>): the forward pass, and the gradient with respect to the input.
/// </summary>
/// <param name="Cpu">The CPU it ran on.</param>
/// <param name="Shapes">The forward shapes tried, e.g. <c>24→32 k5 14×14 pad 2</c>.</param>
/// <param name="WrongShapes">Those whose float32 result differed from float64 by more than 1e-5 of the range.</param>
/// <param name="BackwardShapes">The shapes whose input gradient was tried, e.g. <c>96→204 k3 14×14 pad 1</c>.</param>
/// <param name="WrongBackwardShapes">Those whose float32 input gradient differed from float64 by more than 1e-5 of the range.</param>
public sealed record ConvolutionSelfTest(string Cpu, IReadOnlyList<string> Shapes, IReadOnlyList<string> WrongShapes,
    IReadOnlyList<string> BackwardShapes, IReadOnlyList<string> WrongBackwardShapes)
{
    /// <summary>Whether this CPU computes at least one forward shape wrongly, so that <see cref="SafeConv2d"/> pads input channels.</summary>
    public bool ForwardFaulty => WrongShapes.Count > 0;

    /// <summary>Whether this CPU computes at least one input gradient wrongly, so that <see cref="SafeConv2d"/> pads output channels when a gradient is needed.</summary>
    public bool BackwardFaulty => WrongBackwardShapes.Count > 0;

    /// <summary>Whether either check found a wrong result.</summary>
    public bool Faulty => ForwardFaulty || BackwardFaulty;

    /// <summary>
    /// The shapes checked (input channels, kernel, image side, padding): InceptionV1's 5×5 on 24 channels and
    /// the other affected classes (more than 16 channels; fewer with a 1×1 output).
    /// </summary>
    public static IReadOnlyList<(int InChannels, int Kernel, int Side, int Padding)> Cases { get; } =
    [
        (24, 5, 14, 2), (24, 5, 7, 2), (24, 3, 14, 1), (40, 5, 14, 2), (17, 3, 14, 1), (65, 3, 7, 1), (15, 5, 3, 1), (3, 7, 7, 0),
    ];

    /// <summary>
    /// The shapes whose input gradient is checked (input channels, output channels, kernel, image side, padding):
    /// InceptionV1's <c>mixed4a_3x3</c> and small output-channel counts, the class the backward fault affects.
    /// </summary>
    public static IReadOnlyList<(int InChannels, int OutChannels, int Kernel, int Side, int Padding)> BackwardCases { get; } =
    [
        (96, 204, 3, 14, 1), (96, 204, 3, 7, 1), (3, 2, 5, 14, 2), (16, 1, 7, 14, 3), (64, 24, 3, 7, 1), (3, 8, 3, 16, 1),
    ];

    /// <summary>Runs the check (a few milliseconds).</summary>
    public static ConvolutionSelfTest Run()
    {
        TorchRuntime.EnsureLoaded();
        var shapes = new List<string>();
        var wrong = new List<string>();
        using var _ = no_grad();
        using var generator = new Generator().manual_seed(0);
        // A float32 result against its float64 reference: wrong when off by more than 1e-5 of the reference's range (or NaN).
        static void Check(string name, Tensor result, Tensor reference, List<string> wrong)
        {
            double err = (result.to(float64) - reference).abs().max().item<double>() / reference.abs().max().item<double>();
            if (!(err <= 1e-5)) wrong.Add($"{name} (relative error {err:E1})");
        }
        foreach (var (cin, k, side, pad) in Cases)
        {
            using var scope = NewDisposeScope();
            var name = $"{cin}→32 k{k} {side}×{side} pad {pad}";
            shapes.Add(name);
            var x = rand([2, cin, side, side], generator: generator);
            var w = rand([32, cin, k, k], generator: generator) - 0.5;
            var b = rand([32], generator: generator);
            Check(name, nn.functional.conv2d(x, w, b, padding: [pad, pad]),
                nn.functional.conv2d(x.to(float64), w.to(float64), b.to(float64), padding: [pad, pad]), wrong);
        }
        var backwardShapes = new List<string>();
        var wrongBackward = new List<string>();
        foreach (var (cin, cout, k, side, pad) in BackwardCases)
        {
            using var scope = NewDisposeScope();
            var name = $"{cin}→{cout} k{k} {side}×{side} pad {pad}";
            backwardShapes.Add(name);
            var x = rand([2, cin, side, side], generator: generator);
            var w = rand([cout, cin, k, k], generator: generator) - 0.5;
            var weights = rand([2, cout, side + 2 * pad - k + 1, side + 2 * pad - k + 1], generator: generator);
            Tensor InputGradient(Tensor input, Tensor weight)
            {
                using var grad = enable_grad();
                var leaf = input.detach().requires_grad_();
                var y = nn.functional.conv2d(leaf, weight, null, padding: [pad, pad]);
                return autograd.grad([(y * weights.to(input.dtype)).sum()], [leaf])[0];
            }
            Check(name, InputGradient(x, w), InputGradient(x.to(float64), w.to(float64)), wrongBackward);
        }
        return new ConvolutionSelfTest(CpuInfo.Current.Identity, shapes, wrong, backwardShapes, wrongBackward);
    }

    /// <summary>One line for reports: what was wrong and what <see cref="SafeConv2d"/> does about it.</summary>
    public string Summary => !Faulty
        ? $"right in every checked shape ({Shapes.Count} forward, {BackwardShapes.Count} input-gradient); SafeConv2d runs libtorch's own"
        : string.Join("; ", new[]
        {
            ForwardFaulty ? $"forward wrong in {WrongShapes.Count} of {Shapes.Count} checked shapes, so SafeConv2d pads input channels" : null,
            BackwardFaulty ? $"input gradient wrong in {WrongBackwardShapes.Count} of {BackwardShapes.Count}, so SafeConv2d pads output channels when a gradient is needed" : null,
        }.Where(x => x is not null));

    /// <inheritdoc/>
    public override string ToString() =>
        $"float32 convolution on {Cpu}: {Summary}" + (Faulty ? $" (wrong: {string.Join("; ", WrongShapes.Concat(WrongBackwardShapes))})" : "");
}
