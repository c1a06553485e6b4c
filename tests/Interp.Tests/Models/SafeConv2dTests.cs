using Interp.Models;
using static TorchSharp.torch;

namespace Interp.Tests.Models;

/// <summary>The convolution workaround against an independent float64 computation, for every shape class.</summary>
public class SafeConv2dTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(3, 7, 2)]
    [InlineData(16, 5, 1)]
    [InlineData(17, 5, 1)]
    [InlineData(24, 5, 1)]   // InceptionV1 mixed4b_5x5 / mixed4c_5x5
    [InlineData(24, 7, 1)]
    [InlineData(40, 5, 1)]
    [InlineData(48, 5, 1)]
    [InlineData(24, 3, 1)]
    public void Matches_float64_within_float32_noise(int inChannels, int kernel, int stride)
    {
        using var conv = new SafeConv2d(inChannels, 32, kernel, stride);
        using var x = rand([2, inChannels, 18, 18], generator: new Generator().manual_seed(inChannels));
        using var _ = no_grad();
        using var y = conv.call(x);
        var p = conv.parameters().ToList();
        using var reference = nn.functional.conv2d(x.to(float64), p[0].to(float64), p[1].to(float64), strides: [stride, stride]);
        double err = (y.to(float64) - reference).abs().max().item<double>() / reference.abs().max().item<double>();
        Assert.True(err < 1e-5, $"relative error {err:E2}");
        Assert.Equal(["weight", "bias"], conv.state_dict().Keys);
    }

    [Fact]
    public void Is_correct_over_a_grid_of_shapes_where_the_raw_convolution_is_not()
    {
        var wrong = new List<string>();
        int rawWrong = 0, total = 0;
        using var _ = no_grad();
        foreach (var k in new[] { 2, 3, 5, 7 })
            foreach (var cin in new[] { 3, 15, 17, 24, 40, 65 })
                foreach (var (n, s) in new[] { (1, 7), (2, 7), (1, 14), (2, 18) })
                    foreach (var stride in new[] { 1, 2 })
                        foreach (var pad in new[] { 0, k / 2 })
                        {
                            if (s + 2 * pad < k) continue;
                            using var scope = NewDisposeScope();
                            var conv = new SafeConv2d(cin, 32, k, stride, pad);
                            var x = rand([n, cin, s, s], generator: new Generator().manual_seed(total));
                            var p = conv.parameters().ToList();
                            var reference = nn.functional.conv2d(x.to(float64), p[0].to(float64), p[1].to(float64), strides: [stride, stride], padding: [pad, pad]);
                            double Err(Tensor y) => (y.to(float64) - reference).abs().max().item<double>() / reference.abs().max().item<double>();
                            total++;
                            if (Err(conv.call(x)) > 1e-5) wrong.Add($"k{k} cin{cin} n{n} s{s} stride{stride} pad{pad}");
                            // The padded path itself, forced, so that it is proven right on every CPU, also
                            // those where SafeConv2d never takes it.
                            if (Err(SafeConv2d.PaddedConv2d(x, p[0], p[1], stride, pad)) > 1e-5) wrong.Add($"padded path: k{k} cin{cin} n{n} s{s} stride{stride} pad{pad}");
                            if (Err(nn.functional.conv2d(x, p[0], p[1], strides: [stride, stride], padding: [pad, pad])) > 1e-5) rawWrong++;
                        }
        output.WriteLine($"CPU: {Interp.Runtime.CpuInfo.Current.Summary}");
        output.WriteLine($"raw libtorch convolution wrong in {rawWrong} of {total} shapes; SafeConv2d wrong in {wrong.Count}");
        output.WriteLine(SafeConv2d.SelfTest.ToString());
        Assert.Empty(wrong);
        // The self-test decides: a CPU with wrong raw results in the grid must have been caught by it.
        if (rawWrong > 0) Assert.True(SafeConv2d.SelfTest.ForwardFaulty, "the grid found wrong convolutions that the self-test missed");
    }

    [Fact]
    public void Input_gradients_are_right_over_a_grid_of_shapes_where_the_raw_backward_pass_is_not()
    {
        var wrong = new List<string>();
        int rawWrong = 0, total = 0;
        foreach (var k in new[] { 1, 3, 5 })
            foreach (var cin in new[] { 3, 16, 24, 96 })
                foreach (var cout in new[] { 1, 2, 8, 17, 24, 32, 204 })
                    foreach (var (n, s) in new[] { (1, 7), (2, 14) })
                        foreach (var stride in new[] { 1, 2 })
                        {
                            using var scope = NewDisposeScope();
                            int pad = k / 2;
                            var conv = new SafeConv2d(cin, cout, k, stride, pad);
                            var p = conv.parameters().ToList();
                            var x = rand([n, cin, s, s], generator: new Generator().manual_seed(total));
                            int side = (s + 2 * pad - k) / stride + 1;
                            var upstream = rand([n, cout, side, side], generator: new Generator().manual_seed(1000 + total));
                            total++;
                            // Input and weight gradients of Σ upstream·conv(x), with the layer, raw libtorch and in float64.
                            (Tensor Y, Tensor Dx, Tensor Dw) Run(Func<Tensor, Tensor, Tensor, Tensor> f, ScalarType dtype)
                            {
                                var xi = x.to(dtype).requires_grad_();
                                var w = p[0].detach().to(dtype).requires_grad_();
                                var b = p[1].detach().to(dtype);
                                var y = f(xi, w, b);
                                var grads = autograd.grad([(y * upstream.to(dtype)).sum()], [xi, w]);
                                return (y.detach(), grads[0], grads[1]);
                            }
                            var reference = Run((xi, w, b) => nn.functional.conv2d(xi, w, b, strides: [stride, stride], padding: [pad, pad]), float64);
                            double Err(Tensor a, Tensor r) => (a.to(float64) - r).abs().max().item<double>() / r.abs().max().item<double>();
                            bool Right((Tensor Y, Tensor Dx, Tensor Dw) r) => Err(r.Y, reference.Y) <= 1e-5 && Err(r.Dx, reference.Dx) <= 1e-5 && Err(r.Dw, reference.Dw) <= 1e-5;
                            var name = $"k{k} cin{cin} cout{cout} n{n} s{s} stride{stride}";
                            if (!Right(Run((xi, w, b) => SafeConv2d.Conv2d(xi, w, b, stride, pad), float32))) wrong.Add(name);
                            // The fully padded path itself, forced, so that it is proven right on every CPU.
                            if (!Right(Run((xi, w, b) => SafeConv2d.PaddedConv2d(xi, w, b, stride, pad, inputChannels: true, outputChannels: true),
                                float32))) wrong.Add("padded path: " + name);
                            if (!Right(Run((xi, w, b) => nn.functional.conv2d(xi, w, b, strides: [stride, stride], padding: [pad, pad]), float32))) rawWrong++;
                        }
        output.WriteLine($"CPU: {Interp.Runtime.CpuInfo.Current.Summary}");
        output.WriteLine($"raw libtorch forward + backward wrong in {rawWrong} of {total} shapes; SafeConv2d wrong in {wrong.Count}");
        output.WriteLine(SafeConv2d.SelfTest.ToString());
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        if (rawWrong > 0) Assert.True(SafeConv2d.SelfTest.Faulty, "the grid found wrong gradients that the self-test missed");
    }

    [Fact]
    public void The_summary_says_what_was_wrong_and_what_is_padded_and_the_environment_report_shows_it()
    {
        var right = new ConvolutionSelfTest("cpu", ["a", "b"], [], ["c"], []);
        Assert.False(right.Faulty);
        Assert.Equal("right in every checked shape (2 forward, 1 input-gradient); SafeConv2d runs libtorch's own", right.Summary);
        var backward = right with { WrongBackwardShapes = ["c (relative error NaN)"] };
        Assert.True(backward.Faulty && backward.BackwardFaulty && !backward.ForwardFaulty);
        Assert.Equal("input gradient wrong in 1 of 1, so SafeConv2d pads output channels when a gradient is needed", backward.Summary);
        var both = backward with { WrongShapes = ["a (relative error 2.0E-001)"] };
        Assert.Equal("forward wrong in 1 of 2 checked shapes, so SafeConv2d pads input channels; " + backward.Summary, both.Summary);
        Assert.Contains("Convolution: float32 " + SafeConv2d.SelfTest.Summary, Interp.Zoo.EnvironmentReport.Collect().ToString());
    }

    [Fact]
    public void Output_padding_is_taken_exactly_for_affected_backward_shapes_on_a_cpu_whose_self_test_failed()
    {
        using var x = zeros(1, 96, 14, 14).requires_grad_();
        using var plain = zeros(1, 96, 14, 14);
        Assert.True(SafeConv2d.IsAffectedBackwardShape(204, 3, x));
        Assert.False(SafeConv2d.IsAffectedBackwardShape(208, 3, x));
        Assert.False(SafeConv2d.IsAffectedBackwardShape(204, 1, x));
        Assert.False(SafeConv2d.IsAffectedBackwardShape(204, 3, plain));   // no input gradient: the forward is right
        using (no_grad()) Assert.False(SafeConv2d.IsAffectedBackwardShape(204, 3, x));
        Assert.Equal(SafeConv2d.SelfTest.BackwardFaulty, SafeConv2d.NeedsOutputChannelPadding(204, 3, x));
        Assert.Equal(ConvolutionSelfTest.BackwardCases.Count, SafeConv2d.SelfTest.BackwardShapes.Count);
        // Padding the output changes nothing the caller sees: the shape and the bias.
        using var conv = new SafeConv2d(96, 204, 3, padding: 1);
        using var y = conv.call(x);
        Assert.Equal([1L, 204L, 14L, 14L], y.shape);
        Assert.True(y.is_contiguous());
        output.WriteLine(SafeConv2d.SelfTest.ToString());
    }

    [Fact]
    public void The_padded_path_is_taken_exactly_for_affected_shapes_on_a_cpu_whose_self_test_failed()
    {
        using var x24 = zeros(1, 24, 14, 14);
        using var x32 = zeros(1, 32, 14, 14);
        Assert.True(SafeConv2d.IsAffectedShape(24, 5, 2, x24));
        Assert.False(SafeConv2d.IsAffectedShape(32, 5, 2, x32));
        Assert.False(SafeConv2d.IsAffectedShape(24, 1, 0, x24));
        Assert.Equal(SafeConv2d.SelfTest.ForwardFaulty, SafeConv2d.NeedsChannelPadding(24, 5, 2, x24));
        Assert.False(SafeConv2d.NeedsChannelPadding(32, 5, 2, x32));
        Assert.Equal(ConvolutionSelfTest.Cases.Count, SafeConv2d.SelfTest.Shapes.Count);
        output.WriteLine(SafeConv2d.SelfTest.ToString());
    }
}
