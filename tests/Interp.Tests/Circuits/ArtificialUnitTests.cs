using Interp.Circuits;
using Interp.Hooks;
using Interp.Stimuli;
using Interp.Tests.Stimuli;
using Interp.Units;
using static TorchSharp.torch;

namespace Interp.Tests.Circuits;

public class ArtificialUnitTests
{
    [Fact]
    public void The_drive_is_the_kernel_summed_over_the_source_at_the_stride_written_out_as_loops()
    {
        using var source = randn([2, 4, 7, 7], generator: new Generator().manual_seed(21));
        using var kernel = randn([4, 3, 3], generator: new Generator().manual_seed(22));
        using var unit = new ArtificialUnit("src", kernel, stride: 2, gain: 1.5, bias: -0.25);
        using var drive = unit.Drive(source);
        Assert.Equal([2L, 4, 4], drive.shape);
        var s = source.data<float>().ToArray();
        var k = kernel.data<float>().ToArray();
        for (int n = 0; n < 2; n++)
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 4; x++)
                {
                    double sum = 0;
                    for (int c = 0; c < 4; c++)
                        for (int dy = 0; dy < 3; dy++)
                            for (int dx = 0; dx < 3; dx++)
                            {
                                int sy = 2 * y - 1 + dy, sx = 2 * x - 1 + dx;       // centred on source position 2y, 2x
                                if (sy < 0 || sy >= 7 || sx < 0 || sx >= 7) continue;
                                sum += k[(c * 3 + dy) * 3 + dx] * s[((n * 4 + c) * 7 + sy) * 7 + sx];
                            }
                    Assert.Equal(sum, drive[n, y, x].item<float>(), 4);
                    Assert.Equal(Math.Max(0, 1.5 * sum - 0.25), unit.Apply(source)[n, 0, y, x].item<float>(), 4);
                }
        Assert.Contains("k odd", Assert.Throws<ArgumentException>(() => new ArtificialUnit("src", zeros([4, 2, 2]), 1)).Message);
        Assert.Contains("4 channels", Assert.Throws<ArgumentException>(() => unit.Drive(zeros([1, 3, 7, 7]))).Message);
    }

    [Fact]
    public void A_unit_made_of_a_layers_own_weights_calibrates_to_its_bias_and_substitutes_without_a_trace()
    {
        using var model = TinyNets.Model(seed: 23);
        var net = (TinyNets.Chain)model.Module;
        using var images = rand([3, 3, 16, 16], generator: new Generator().manual_seed(24));
        using var unit = new ArtificialUnit("relu1", net.Conv2.Weight[1], stride: 1);
        using var calibrated = unit.Calibrate(model, Unit.Parse("conv2:1"), images);
        Assert.Equal(1, calibrated.Gain, 5);
        Assert.Equal(net.Conv2.Bias![1].item<float>(), calibrated.Bias, 5);
        Assert.True(calibrated.Fit!.Positions == 3 * 16 * 16);

        using var before = model.Forward(images);
        using (ArtificialUnit.Substitute(model, "relu2", [(1, calibrated)]))
        {
            using var after = model.Forward(images);
            Assert.True(after.allclose(before, rtol: 1e-5, atol: 1e-5));
        }
        using (ArtificialUnit.Substitute(model, "relu2", [(1, unit)]))   // gain 1, bias 0: differs by the missing bias
        {
            using var off = model.Forward(images);
            Assert.False(off.allclose(before, rtol: 1e-5, atol: 1e-5));
        }
        Assert.Equal(0, model.ActiveHookCount);
        using var flat = new ArtificialUnit("relu1", zeros([2, 3, 3]), 1);
        Assert.Contains("same drive everywhere", Assert.Throws<InvalidOperationException>(() => flat.Calibrate(model, Unit.Parse("conv2:1"), images)).Message);
        Assert.Contains("one whole channel", Assert.Throws<ArgumentException>(() => unit.Calibrate(model, Unit.Parse("conv2"), images)).Message);
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void An_expanded_weight_placed_as_a_unit_reproduces_the_linearized_circuit_inside_the_map()
    {
        using var model = TinyNets.Model(seed: 25);
        var net = (TinyNets.Chain)model.Module;
        var alignment = LayerAlignment.Between(model, "relu1", "conv3");
        Assert.Equal((1, 0.0), (alignment.Stride, alignment.Offset));
        using var weight = ExpandedWeights.Between(model, "relu1", Unit.Parse("conv3:0@8,8"));
        using var unit = ArtificialUnit.FromExpandedWeight(weight, alignment);
        Assert.Equal(5, unit.Kernel.shape[1]);

        using var image = rand([1, 3, 16, 16], generator: new Generator().manual_seed(26));
        using var scope = NewDisposeScope();
        var h1 = nn.functional.relu(net.Conv1.call(image));
        // conv3 ∘ conv2 with relu2 taken as the identity, minus what the biases alone give: the linear part.
        var linear = net.Conv3.call(net.Conv2.call(h1)) - net.Conv3.call(net.Conv2.call(zeros_like(h1)));
        var drive = unit.Drive(h1);
        var inner = TensorIndex.Slice(2, 14);
        Assert.True(drive[0, inner, inner].allclose(linear[0, 0, inner, inner], rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Hand_written_kernels_excite_the_units_tuned_along_the_curve_and_inhibit_those_across_it()
    {
        // Channel 0 prefers lines whose normal is 0° (vertical lines), channel 1 normals at 90° (horizontal), channel 2 is blind.
        var tuning = new LineTuning("src", [0.0, 90.0], new double[,] { { 10, 0 }, { 0, 10 }, { 5, 5 } });
        Assert.Equal(5, tuning.Response(0, 45), 12);
        Assert.Equal(10, tuning.Response(0, 180), 12);
        Assert.Equal(90, tuning.Preferred(1));
        var alignment = new LayerAlignment("src", "dst", Stride: 1, Offset: 0, SourceJump: 1, TargetHeight: 21, TargetWidth: 21, CentreX: 10.5, CentreY: 10.5);

        // A vertical straight segment through the centre: its normal is 0° everywhere.
        using var line = HandWrittenCurves.Kernel(tuning, new Arc(0, 0, Length: 8), alignment, new CurveRecipe(KernelSize: 13));
        Assert.Equal([3L, 13, 13], line.shape);
        Assert.Equal(0.5 * 9, line[0].sum().item<float>(), 4);          // 9 points, (10 − 5) / 10 each
        Assert.Equal(-0.5 * 9, line[1].sum().item<float>(), 4);
        Assert.Equal(0f, line[2].abs().sum().item<float>());               // peak-to-mean 1: blind, no weight
        Assert.Equal(line[0].sum().item<float>(), line[0, .., 6].sum().item<float>(), 4);   // all on the centre column
        using var blind = HandWrittenCurves.Kernel(tuning, new Arc(0, 0, Length: 8), alignment, new CurveRecipe(KernelSize: 13, OrientationBlind: true));
        Assert.True(blind[0].allclose(blind[2]) && blind[1].allclose(blind[2]));

        // An arc: every sampled point lies one radius from the centre of curvature, with the normal pointing away from it.
        var arc = new Arc(60, 0.1, Length: 20, X: 30, Y: 40);
        var points = HandWrittenCurves.Tangents(arc, 1, 0, 0);
        double t = 60 * Math.PI / 180, cx = 30 - 10 * Math.Cos(t), cy = 40 + 10 * Math.Sin(t);
        Assert.All(points, p => Assert.Equal(10, Math.Sqrt((p.X - cx) * (p.X - cx) + (p.Y - cy) * (p.Y - cy)), 9));
        Assert.All(points, p => Assert.Equal(Math.Atan2(-(p.Y - cy), p.X - cx), p.Normal * Math.PI / 180, 9));
        var mid = points[points.Count / 2];
        Assert.Equal((30.0, 40.0, 60.0), (Math.Round(mid.X, 9), Math.Round(mid.Y, 9), Math.Round(mid.Normal, 9)));
        // …and on the ink the stimulus draws.
        using var ink = Stimulus.Coverage(arc with { LineWidth = 3 }, new StimulusStyle(Size: 64));
        Assert.All(points, p => Assert.True(ink[(int)p.Y, (int)p.X].item<float>() > 0.3f, $"({p.X:F1}, {p.Y:F1}) is off the drawn arc"));

        Assert.Contains("measure LineTuning on 'src'", Assert.Throws<ArgumentException>(() =>
            HandWrittenCurves.Kernel(tuning with { Layer = "other" }, arc, alignment)).Message);
    }

    [Fact]
    public void Line_tuning_finds_the_orientation_of_a_hand_built_line_unit()
    {
        using var model = new HookedModel("lines", new TestUnits.HorizontalLineNet(), new InputConvention(32, "identity"));
        var tuning = LineTuning.Measure(model, "relu", step: 15, shifts: [-2, 0, 2], length: 20, lineWidth: 2);
        Assert.Equal(12, tuning.Orientations.Count);
        Assert.Equal(90, tuning.Preferred(0));
        Assert.True(tuning.PeakToMean(0) > 2, $"peak-to-mean {tuning.PeakToMean(0)}");
        Assert.Equal(0, tuning.Responses[0, 0], 4);
        Assert.Contains("divide 180", Assert.Throws<ArgumentOutOfRangeException>(() => LineTuning.Measure(model, "relu", step: 25)).Message);
    }
}
