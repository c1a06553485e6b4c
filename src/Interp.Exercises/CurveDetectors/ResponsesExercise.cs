using Interp.Exercises.FeatureVisualization;
using Interp.Hooks;
using Interp.Stimuli;
using Interp.Units;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Exercises.CurveDetectors;

/// <summary>
/// Exercise 02.1 (★☆☆): read a unit's responses — for a batch of stimuli, the activation of one channel of a layer at
/// the centre of its map (row H/2, column W/2), one number per stimulus.
/// </summary>
public static class ResponsesExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "02.1 A unit's responses";

    /// <summary>The learner's function: (model, layer, channel, stimuli [N, 3, H, W]) → N responses.</summary>
    public delegate double[] Answer(HookedModel model, string layer, int channel, Tensor stimuli);

    /// <summary>Compares the learner's responses with <see cref="Tuning.Measure"/> on a small model with known filters.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Run model.RunWithCache(stimuli, layer), take cache[layer] [N, C, H, W], select the channel and the position (H/2, W/2), " +
                            "and turn the N values into a double[] (e.g. .to(float64).data<double>().ToArray()).";
        using var model = new HookedModel("exercise", new TwoFilters(), new InputConvention(24, "identity"));
        using var stimuli = Stimulus.Arcs(Enumerable.Range(0, 6).Select(i => new Arc(i * 30, i % 2 == 0 ? 0 : 0.1, 14, 2, 12.5, 12.5)), new StimulusStyle(Size: 24));
        foreach (var channel in new[] { 0, 1 })
        {
            var expected = Tuning.Measure(model, Unit.Parse($"relu:{channel}"), stimuli).Points.Select(p => p.Response).ToArray();
            using var expectedTensor = tensor(expected);
            if (ExerciseRunner.Compare(Title, hint, expectedTensor, () => answer(model, "relu", channel, stimuli.Images) is { } got ? tensor(got) : null,
                    $"the responses of channel {channel} to {stimuli.Count} stimuli", 1e-5) is { } failed)
                return failed;
        }
        return new CheckResult(Title, true, "Your responses equal the library's tuning measurement for two channels.");
    }

    /// <summary>Two 5×5 filters on 24 px images: a dark-horizontal-line detector and a dark-dot detector, then ReLU.</summary>
    sealed class TwoFilters : nn.Module<Tensor, Tensor>
    {
        readonly Conv2d conv = nn.Conv2d(3, 2, 5, padding: 2, bias: false);
        readonly ReLU relu = nn.ReLU();

        public TwoFilters() : base("two-filters")
        {
            RegisterComponents();
            var w = new float[2 * 3 * 25];
            float[] rows = [0.5f, 0, -1, 0, 0.5f];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 5; y++)
                    for (int x = 0; x < 5; x++)
                    {
                        w[(0 * 3 + c) * 25 + y * 5 + x] = rows[y];
                        w[(1 * 3 + c) * 25 + y * 5 + x] = y == 2 && x == 2 ? -1f : 1f / 24;
                    }
            using var _ = no_grad();
            conv.weight!.copy_(tensor(w, [2, 3, 5, 5]));
        }

        public override Tensor forward(Tensor x) => relu.call(conv.call(x));
    }
}
