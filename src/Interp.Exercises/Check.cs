using System.Globalization;
using static TorchSharp.torch;

namespace Interp.Exercises;

/// <summary>
/// Building blocks for exercise checks. Each returns a <see cref="CheckResult"/> whose message names
/// what was wrong (expected vs got, in the learner's terms) without revealing the answer.
/// </summary>
public static class Check
{
    /// <summary>Fails with <paramref name="whenWrong"/> unless <paramref name="condition"/> holds.</summary>
    public static CheckResult That(string exercise, bool condition, string whenRight, string whenWrong, string? hint = null) =>
        new(exercise, condition, condition ? whenRight : whenWrong, condition ? null : hint);

    /// <summary>Checks a tensor's shape.</summary>
    public static CheckResult Shape(string exercise, Tensor? got, IReadOnlyList<long> expected, string what, string? hint = null)
    {
        if (got is null) return new(exercise, false, $"{what} is null; the cell should produce a tensor.", hint);
        bool ok = got.shape.SequenceEqual(expected);
        return new(exercise, ok,
            ok ? $"{what} has the right shape [{Join(expected)}]." : $"{what} should have shape [{Join(expected)}] but has [{Join(got.shape)}].",
            ok ? null : hint);
    }

    /// <summary>
    /// Checks that <paramref name="got"/> matches a reference computation within a scale-aware
    /// tolerance: max|got − expected| ≤ <paramref name="relativeTolerance"/> · max|expected|.
    /// </summary>
    public static CheckResult Close(string exercise, Tensor? got, Tensor expected, string what, double relativeTolerance = 1e-4, string? hint = null)
    {
        var shape = Shape(exercise, got, expected.shape, what, hint);
        if (!shape.Passed) return shape;
        using var scope = NewDisposeScope();
        var g = got!.detach().cpu().to(float64);
        var e = expected.detach().cpu().to(float64);
        double scale = Math.Max(e.abs().max().item<double>(), 1e-12);
        double err = (g - e).abs().max().item<double>();
        if (double.IsNaN(err)) return new(exercise, false, $"{what} contains NaN.", hint);
        bool ok = err <= relativeTolerance * scale;
        return new(exercise, ok,
            ok ? $"{what} matches the reference (largest difference {Fmt(err)})."
               : $"{what} has the right shape but differs from the reference: the largest difference is {Fmt(err)}, where values are up to {Fmt(scale)} in size.",
            ok ? null : hint);
    }

    static string Join(IEnumerable<long> dims) => string.Join(",", dims);
    static string Fmt(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
