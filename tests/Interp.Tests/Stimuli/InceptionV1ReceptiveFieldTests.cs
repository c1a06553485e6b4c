using Interp.Stimuli;
using Interp.Units;
using Interp.Zoo;
using Interp.Models;

namespace Interp.Tests.Stimuli;

/// <summary>InceptionV1's receptive fields (the shared fixture's weights): from the architecture, against the gradients.</summary>
[Trait("Needs", TestPaths.NeedsFixtures)]
public class InceptionV1ReceptiveFieldTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Inceptionv1_fields_from_the_architecture_match_the_gradients()
    {
        var path = TestPaths.Fixture("inceptionv1-lucent", "state_dict.pth");
        using var model = InceptionV1Lucid.Load(path);
        foreach (var layer in new[] { "conv2d0", "conv2d2", "mixed3a" })
        {
            var unit = ReceptiveFieldTests.ActiveUnit(model, layer);
            var a = ReceptiveFields.FromArchitecture(model, unit);
            var g = ReceptiveFields.FromGradients(model, unit, samples: 32);
            output.WriteLine($"architecture: {a}\ngradients:    {g}");
            Assert.Equal(a, g);
        }
        Assert.Equal(7, ReceptiveFields.FromArchitecture(model, Unit.Parse("conv2d0:3")).Height);
    }
}
