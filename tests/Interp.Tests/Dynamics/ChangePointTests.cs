using Interp.Statistics;

namespace Interp.Tests.Dynamics;

public class ChangePointTests
{
    static readonly int[] Steps = [0, 1, 2, 3, 5, 9, 16, 29, 50, .. Enumerable.Range(2, 17).Select(i => i * 50)];   // 0 … 900, as a trajectory keeps them

    /// <summary>Per-item 0/1 outcomes [checkpoint, item] drawn with probability <paramref name="p"/> of each checkpoint's step.</summary>
    static double[,] Outcomes(Func<double, double> p, int items = 400, int seed = 1)
    {
        var random = new Random(seed);
        var values = new double[Steps.Length, items];
        for (int c = 0; c < Steps.Length; c++)
            for (int i = 0; i < items; i++)
                values[c, i] = random.NextDouble() < p(Steps[c]) ? 1 : 0;
        return values;
    }

    [Fact]
    public void The_crossing_is_interpolated_between_the_bracketing_checkpoints_for_rising_and_falling_curves()
    {
        int[] steps = [0, 10, 20, 40];
        Assert.Equal(15, ChangePoint.Crossing(steps, [0.0, 0.2, 0.8, 1.0], 0.5), 12);    // 0.5 lies half-way between 0.2 (10) and 0.8 (20)
        Assert.Equal(15, ChangePoint.Crossing(steps, [1.0, 0.8, 0.2, 0.0], 0.5), 12);    // a falling curve (a loss) the same way
        Assert.Equal(30, ChangePoint.Crossing(steps, [0.0, 0.2, 0.8, 1.0], 0.9), 12);       // 0.9 lies half-way between 0.8 (20) and 1.0 (40)
        Assert.Equal(5, ChangePoint.Crossing(steps, [0.0, 0.2, 0.8, 1.0], 0.1), 12);
        Assert.Equal(10 * 0.5 / 1.5, ChangePoint.Crossing(steps, [0.0, 1.5, 0.5, 1.0], 0.5), 12);   // the first crossing, not a later one
        Assert.True(double.IsNaN(ChangePoint.Crossing(steps, [0.3, 0.9, 0.1, 0.3], 0.5)));     // no net change: no change point
    }

    [Fact]
    public void A_step_between_two_checkpoints_is_found_there_and_called_abrupt()
    {
        // Accuracy 10 % up to step 250, 90 % from step 300: the half-way point of the interpolated curve is 275.
        var estimate = ChangePoint.Estimate(Steps, Outcomes(s => s <= 250 ? 0.1 : 0.9));
        Assert.InRange(275, estimate.Step.Low, estimate.Step.High);
        Assert.InRange(estimate.Step.Value, 250, 300);
        Assert.InRange(estimate.Change.Value, 0.7, 0.9);
        Assert.Equal(TransitionKind.Abrupt, estimate.Kind);
    }

    [Fact]
    public void A_linear_ramp_is_found_at_its_middle_and_called_gradual()
    {
        var estimate = ChangePoint.Estimate(Steps, Outcomes(s => 0.1 + 0.8 * Math.Clamp((s - 100) / 600.0, 0, 1)));
        Assert.InRange(400, estimate.Step.Low, estimate.Step.High);
        Assert.InRange(estimate.Width.Value, 0.8 * 600 - 100, 0.8 * 600 + 100);   // 10 %→90 % of a 600-step ramp: 480 steps
        Assert.Equal(TransitionKind.Gradual, estimate.Kind);
    }

    [Theory]
    [InlineData(5, TransitionKind.Abrupt)]      // 10 %→90 % within about 22 steps
    [InlineData(120, TransitionKind.Gradual)]   // about 530 steps
    public void A_sigmoid_is_found_at_its_centre_and_its_width_decides_abrupt_or_gradual(double scale, TransitionKind kind)
    {
        var estimate = ChangePoint.Estimate(Steps, Outcomes(s => 0.1 + 0.8 / (1 + Math.Exp(-(s - 425) / scale))), resamples: 400);
        Assert.InRange(425, estimate.Step.Low - 25, estimate.Step.High + 25);   // between checkpoints 50 apart the crossing is interpolated
        Assert.Equal(kind, estimate.Kind);
    }

    [Fact]
    public void Pure_noise_has_no_change_point()
    {
        var estimate = ChangePoint.Estimate(Steps, Outcomes(_ => 0.5, seed: 3));
        Assert.Equal(TransitionKind.None, estimate.Kind);
        Assert.InRange(0, estimate.Change.Low, estimate.Change.High);
        Assert.True(double.IsNaN(estimate.Step.Value) && double.IsNaN(estimate.Width.Value));
    }

    [Fact]
    public void The_estimate_is_the_same_for_the_same_seed()
    {
        var values = Outcomes(s => s < 400 ? 0.2 : 0.7);
        Assert.Equal(ChangePoint.Estimate(Steps, values, seed: 4), ChangePoint.Estimate(Steps, values, seed: 4));
    }

    [Fact]
    public void Bad_input_is_refused_saying_what_is_valid()
    {
        Assert.Contains("one value per checkpoint", Assert.Throws<ArgumentException>(() => ChangePoint.Crossing([0, 1, 2], [0.0, 1.0], 0.5)).Message);
        Assert.Contains("must increase; step 1 follows 2", Assert.Throws<ArgumentException>(() => ChangePoint.Crossing([0, 2, 1], [0.0, 1.0, 1.0], 0.5)).Message);
        Assert.Contains("at least two checkpoints", Assert.Throws<ArgumentException>(() => ChangePoint.Crossing([0], [0.0], 0.5)).Message);
        Assert.Contains("(0, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => ChangePoint.Crossing([0, 1], [0.0, 1.0], 1.5)).Message);
        Assert.Contains("at least one item", Assert.Throws<ArgumentException>(() => ChangePoint.Estimate([0, 1], new double[2, 0])).Message);
        Assert.Contains("share of the run", Assert.Throws<ArgumentOutOfRangeException>(() => ChangePoint.Estimate([0, 1], new double[2, 3], abruptShare: 0)).Message);
    }
}
