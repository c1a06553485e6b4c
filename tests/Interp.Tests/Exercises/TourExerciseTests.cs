using Interp.Exercises.Tour;
using Interp.Tests.Models;

namespace Interp.Tests.Exercises;

[Collection("resnet18")]
public class TourExerciseTests(ResNet18Fixture fixture)
{
    [Fact]
    public void The_solution_of_00_1_passes()
    {
        var result = StrongestChannelExercise.Check(fixture.Model, (model, photo, layer) =>
        {
            using var cache = model.RunWithCache(photo, layer);
            return (int)cache[layer][0].mean([1, 2]).argmax().item<long>();
        });
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void Typical_wrong_answers_to_00_1_fail_with_a_message_that_does_not_give_the_answer()
    {
        // Wrong: the channel with the largest single value instead of the largest mean.
        var byMax = StrongestChannelExercise.Check(fixture.Model, (model, photo, layer) =>
        {
            using var cache = model.RunWithCache(photo, layer);
            return (int)cache[layer][0].amax([1, 2]).argmax().item<long>();
        });
        Assert.False(byMax.Passed);
        Assert.Contains("larger mean", byMax.Message);
        Assert.NotNull(byMax.Hint);

        var stub = StrongestChannelExercise.Check(fixture.Model, (_, _, _) => throw new NotImplementedException("Write StrongestChannel"));
        Assert.False(stub.Passed);
        Assert.Contains("NotImplementedException", stub.Message);

        var outOfRange = StrongestChannelExercise.Check(fixture.Model, (_, _, _) => 10_000);
        Assert.False(outOfRange.Passed);
        Assert.Contains("channels 0..", outOfRange.Message);
    }
}
