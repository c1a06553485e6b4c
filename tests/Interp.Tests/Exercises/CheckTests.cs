using Interp.Exercises;
using static TorchSharp.torch;

namespace Interp.Tests.Exercises;

public class CheckTests
{
    [Fact]
    public void Close_passes_within_the_scale_aware_tolerance_and_fails_outside_it()
    {
        using var expected = tensor(new float[] { 100, 0, -50 });
        using var near = tensor(new float[] { 100.005f, 0, -50 });
        using var far = tensor(new float[] { 100, 0.5f, -50 });
        Assert.True(Check.Close("t", near, expected, "the answer").Passed);
        var r = Check.Close("t", far, expected, "the answer", hint: "look again");
        Assert.False(r.Passed);
        Assert.Contains("largest difference is 0.5", r.Message);
        Assert.Equal("look again", r.Hint);
        Assert.DoesNotContain("100", r.Hint);
    }

    [Fact]
    public void A_wrong_shape_or_a_missing_answer_is_named()
    {
        using var expected = zeros(2, 3);
        using var wrong = zeros(3, 2);
        Assert.Contains("should have shape [2,3] but has [3,2]", Check.Close("t", wrong, expected, "x").Message);
        Assert.Contains("is null", Check.Close("t", null, expected, "x").Message);
    }

    [Fact]
    public void A_learner_function_that_throws_is_a_failed_check_not_a_crash()
    {
        Assert.Null(CheckResult.Try("t", "hint", () => 41 + 1, out var value));
        Assert.Equal(42, value);
        var threw = CheckResult.Try<int>("t", "hint", () => throw new NotImplementedException("Write MyAnswer"), out _);
        Assert.NotNull(threw);
        Assert.False(threw!.Passed);
        Assert.Equal("Your function threw NotImplementedException: Write MyAnswer", threw.Message);
        Assert.Equal("hint", threw.Hint);
        // As an exercise's stub does: the check reports it instead of throwing.
        var stub = Interp.Exercises.CurveDetectors.SelectivityExercise.Check((_, _) => throw new NotImplementedException("Write MySelectivity"));
        Assert.False(stub.Passed);
        Assert.Contains("Your function threw NotImplementedException: Write MySelectivity", stub.Message);
    }
}
