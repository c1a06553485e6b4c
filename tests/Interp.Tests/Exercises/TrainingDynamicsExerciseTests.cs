using Interp.Exercises;
using Interp.Exercises.TrainingDynamics;
using static TorchSharp.torch;

namespace Interp.Tests.Exercises;

public class TrainingDynamicsExerciseTests
{
    /// <summary>The learner's crossing, with the mistakes the wrong-answer tests make.</summary>
    static double Crossing(IReadOnlyList<int> steps, IReadOnlyList<double> curve, double fraction, bool last = false, bool interpolate = true,
        bool rangeTarget = false, bool risingOnly = false)
    {
        double start = curve[0], change = curve[^1] - start;
        double target = rangeTarget ? (curve.Min() + curve.Max()) / 2 : start + fraction * change;
        bool Reached(int i) => risingOnly || change >= 0 ? curve[i] >= target : curve[i] <= target;
        var order = last ? Enumerable.Range(1, curve.Count - 1).Reverse().Where(i => !Reached(i - 1)) : Enumerable.Range(1, curve.Count - 1);
        foreach (var i in order)
        {
            if (!Reached(i)) continue;
            if (!interpolate) return steps[i];
            return steps[i - 1] + (steps[i] - steps[i - 1]) * (target - curve[i - 1]) / (curve[i] - curve[i - 1]);
        }
        return steps[^1];
    }

    [Fact] public void The_solution_of_07_1_passes() => AssertPasses(ChangePointExercise.Check((s, c) => Crossing(s, c, 0.5)));
    [Fact] public void The_last_crossing_fails_07_1() => AssertFails(ChangePointExercise.Check((s, c) => Crossing(s, c, 0.5, last: true)), "falls back");
    [Fact] public void No_interpolation_fails_07_1() => AssertFails(ChangePointExercise.Check((s, c) => Crossing(s, c, 0.5, interpolate: false)), "should be");
    [Fact] public void Half_the_range_instead_of_half_the_change_fails_07_1() =>
        AssertFails(ChangePointExercise.Check((s, c) => Crossing(s, c, 0.5, rangeTarget: true)), "falls back");
    [Fact] public void Treating_a_falling_curve_as_rising_fails_07_1() => AssertFails(ChangePointExercise.Check((s, c) => Crossing(s, c, 0.5, risingOnly: true)), "falling");
    [Fact] public void A_throwing_answer_fails_07_1_naming_the_exception() =>
        AssertFails(ChangePointExercise.Check((_, _) => throw new NotImplementedException("Write it")), "threw NotImplementedException");

    /// <summary>The learner's profile, with the mistakes the wrong-answer tests make.</summary>
    static double[] Profile(Tensor filters, bool amplitude = false, bool sumFilters = false, bool meanChannels = false, bool sumBins = false, bool unshifted = false)
    {
        int k = (int)filters.shape[2];
        var spectrum = fft.fft2(filters.to(float64)).abs();
        if (!amplitude) spectrum = spectrum.pow(2);
        spectrum = meanChannels ? spectrum.mean([1]) : spectrum.sum(1);
        spectrum = sumFilters ? spectrum.sum([0L]) : spectrum.mean([0L]);   // a bare 0 would pick sum(ScalarType)
        var values = spectrum.data<double>().ToArray();
        int bins = (int)Math.Round(Math.Sqrt(2) * (k / 2)) + 1;
        var sums = new double[Math.Max(bins, (int)Math.Round(Math.Sqrt(2) * (k - 1)) + 1)];
        var counts = new int[sums.Length];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                int u = unshifted || i <= k / 2 ? i : i - k, v = unshifted || j <= k / 2 ? j : j - k;
                int r = (int)Math.Round(Math.Sqrt(u * u + v * v));
                sums[r] += values[i * k + j];
                counts[r]++;
            }
        return [.. sums.Take(bins).Select((s, r) => sumBins || counts[r] == 0 ? s : s / counts[r])];
    }

    [Fact] public void The_solution_of_07_2_passes() => AssertPasses(FilterProfileExercise.Check(f => Profile(f)));
    [Fact] public void The_amplitude_instead_of_the_power_fails_07_2() => AssertFails(FilterProfileExercise.Check(f => Profile(f, amplitude: true)), "should be");
    [Fact] public void Summing_over_filters_fails_07_2() => AssertFails(FilterProfileExercise.Check(f => Profile(f, sumFilters: true)), "16 random");
    [Fact] public void Averaging_over_colours_fails_07_2() => AssertFails(FilterProfileExercise.Check(f => Profile(f, meanChannels: true)), "random 3×3");
    [Fact] public void Summing_each_ring_instead_of_averaging_it_fails_07_2() => AssertFails(FilterProfileExercise.Check(f => Profile(f, sumBins: true)), "radius");
    [Fact] public void Frequencies_not_centred_fails_07_2() => AssertFails(FilterProfileExercise.Check(f => Profile(f, unshifted: true)), "radius");

    static bool Abrupt(IReadOnlyList<int> steps, IReadOnlyList<double> curve, double share, double low = 0.1, bool perCheckpoint = false, bool risingOnly = false)
    {
        if (curve[^1] == curve[0]) return false;
        double width = Crossing(steps, curve, 1 - low, risingOnly: risingOnly) - Crossing(steps, curve, low, risingOnly: risingOnly);
        return width <= share * (perCheckpoint ? steps.Count : steps[^1]);
    }

    [Fact] public void The_solution_of_07_3_passes() => AssertPasses(PhaseTransitionExercise.Check((s, c, share) => Abrupt(s, c, share)));
    [Fact] public void The_middle_half_instead_of_10_to_90_fails_07_3() => AssertFails(PhaseTransitionExercise.Check((s, c, share) => Abrupt(s, c, share, low: 0.25)), "scale 30");
    [Fact] public void A_share_of_checkpoints_instead_of_steps_fails_07_3() =>
        AssertFails(PhaseTransitionExercise.Check((s, c, share) => Abrupt(s, c, share, perCheckpoint: true)), "jump");
    [Fact] public void Treating_a_falling_curve_as_rising_fails_07_3() =>
        AssertFails(PhaseTransitionExercise.Check((s, c, share) => Abrupt(s, c, share, risingOnly: true)), "drops sharply");
    [Fact] public void Calling_an_unchanged_curve_abrupt_fails_07_3() =>
        AssertFails(PhaseTransitionExercise.Check((s, c, share) => c[^1] == c[0] || Abrupt(s, c, share)), "ends where it started");

    static void AssertPasses(CheckResult result) => Assert.True(result.Passed, result.ToString());

    static void AssertFails(CheckResult result, string mentions)
    {
        Assert.False(result.Passed, "a wrong answer passed");
        Assert.Contains(mentions, result.Message);
    }
}
