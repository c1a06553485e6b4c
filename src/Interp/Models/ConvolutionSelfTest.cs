using Interp.Runtime;
using static TorchSharp.torch;

namespace Interp.Models;

/// <summary>
/// The result of checking this CPU's float32 convolution against float64 on shapes that libtorch 2.10
/// computes wrongly on some CPUs (see <see cref="SafeConv2d"/>).
/// </summary>
/// <param name="Cpu">The CPU it ran on.</param>
/// <param name="Shapes">The shapes tried, e.g. <c>24→32 k5 14×14 pad 2</c>.</param>
/// <param name="WrongShapes">Those whose float32 result differed from float64 by more than 1e-5 of the range.</param>
public sealed record ConvolutionSelfTest(string Cpu, IReadOnlyList<string> Shapes, IReadOnlyList<string> WrongShapes)
{
    /// <summary>Whether this CPU computes at least one of the shapes wrongly, so that <see cref="SafeConv2d"/> must pad.</summary>
    public bool Faulty => WrongShapes.Count > 0;

    /// <summary>
    /// The shapes checked (input channels, kernel, image side, padding): InceptionV1's 5×5 on 24 channels and
    /// the other affected classes (more than 16 channels; fewer with a 1×1 output).
    /// </summary>
    public static IReadOnlyList<(int InChannels, int Kernel, int Side, int Padding)> Cases { get; } =
    [
        (24, 5, 14, 2), (24, 5, 7, 2), (24, 3, 14, 1), (40, 5, 14, 2), (17, 3, 14, 1), (65, 3, 7, 1), (15, 5, 3, 1), (3, 7, 7, 0),
    ];

    /// <summary>Runs the check (a few milliseconds).</summary>
    public static ConvolutionSelfTest Run()
    {
        TorchRuntime.EnsureLoaded();
        var shapes = new List<string>();
        var wrong = new List<string>();
        using var _ = no_grad();
        using var generator = new Generator().manual_seed(0);
        foreach (var (cin, k, side, pad) in Cases)
        {
            using var scope = NewDisposeScope();
            var name = $"{cin}→32 k{k} {side}×{side} pad {pad}";
            shapes.Add(name);
            var x = rand([2, cin, side, side], generator: generator);
            var w = rand([32, cin, k, k], generator: generator) - 0.5;
            var b = rand([32], generator: generator);
            var y = nn.functional.conv2d(x, w, b, padding: [pad, pad]);
            var reference = nn.functional.conv2d(x.to(float64), w.to(float64), b.to(float64), padding: [pad, pad]);
            double err = (y.to(float64) - reference).abs().max().item<double>() / reference.abs().max().item<double>();
            if (!(err <= 1e-5)) wrong.Add($"{name} (relative error {err:E1})");
        }
        return new ConvolutionSelfTest(CpuInfo.Current.Model, shapes, wrong);
    }

    /// <inheritdoc/>
    public override string ToString() => Faulty
        ? $"float32 convolution on {Cpu}: {WrongShapes.Count} of {Shapes.Count} checked shapes wrong ({string.Join("; ", WrongShapes)}); SafeConv2d pads channels"
        : $"float32 convolution on {Cpu}: all {Shapes.Count} checked shapes right; SafeConv2d runs the plain convolution";
}
