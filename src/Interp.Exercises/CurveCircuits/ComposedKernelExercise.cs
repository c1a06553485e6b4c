using Interp.Models;
using Interp.Circuits;
using Interp.Exercises.FeatureVisualization;
using Interp.Hooks;
using Interp.Units;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Exercises.CurveCircuits;

/// <summary>
/// Exercise 03.1 (★★☆): the expanded weights across two stacked 3×3 convolutions (no nonlinearity between them) — from every
/// channel of the first convolution's input to one output channel of the second — as one 5×5 kernel per input channel.
/// </summary>
public static class ComposedKernelExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "03.1 Expanded weights across two layers";

    /// <summary>The learner's function: (first [C2, C1, 3, 3], second [C3, C2, 3, 3], output channel) → [C1, 5, 5].</summary>
    public delegate Tensor Answer(Tensor first, Tensor second, int outputChannel);

    /// <summary>
    /// Checks the learner's kernels against <see cref="ExpandedWeights.Between"/> (a backward pass through the two layers) on
    /// random weights, for two output channels.
    /// </summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Output (y, x) reads the middle layer at offsets ey − 1, ex − 1 through the second kernel, and each of those reads the input " +
                            "at a further dy − 1, dx − 1 through the first: so E[c1, ey + dy, ex + dx] += second[o, c2, ey, ex] · first[c2, c1, dy, dx], " +
                            "summed over the middle channels c2. Cross-correlation, as conv2d computes it: no kernel is flipped.";
        using var net = new TwoConvolutions(seed: 3);
        using var model = new HookedModel("two-convolutions", net, new InputConvention(15, "identity"));
        foreach (var output in new[] { 0, 2 })
        {
            using var expected = ExpandedWeights.Between(model, "input", Unit.Parse($"second:{output}@7,7"));
            using var full = zeros([3, 5, 5]);
            full[.., TensorIndex.Slice(expected.Top - 5, expected.Top - 5 + expected.Weights.shape[1]), TensorIndex.Slice(expected.Left - 5, expected.Left - 5
                + expected.Weights.shape[2])] = expected.Weights;
            if (ExerciseRunner.Compare(Title, hint, full, () => answer(net.First.detach(), net.Second.detach(), output), $"the kernels [3, 5, 5] into output channel {output}",
                1e-4) is { } failed)
                return failed;
        }
        return new CheckResult(Title, true, "Your composed kernels equal the expanded weights found by a backward pass, for two output channels.");
    }

    /// <summary>
    /// input (identity, 3 channels) → first (3→4, 3×3) → second (4→3, 3×3), random weights, no biases, no nonlinearity.
    /// <see cref="SafeConv2d"/>: the check's backward pass runs through output-channel counts (4, 3) whose input gradient
    /// some CPUs compute wrongly.
    /// </summary>
    sealed class TwoConvolutions : nn.Module<Tensor, Tensor>
    {
        readonly Identity input = nn.Identity();
        readonly SafeConv2d first = new(3, 4, 3, padding: 1, hasBias: false), second = new(4, 3, 3, padding: 1, hasBias: false);

        public TwoConvolutions(long seed) : base("two-convolutions")
        {
            RegisterComponents();
            using var _ = no_grad();
            var gen = new Generator().manual_seed(seed);
            first.Weight.copy_(randn(first.Weight.shape, generator: gen));
            second.Weight.copy_(randn(second.Weight.shape, generator: gen));
        }

        public Tensor First => first.Weight;
        public Tensor Second => second.Weight;

        public override Tensor forward(Tensor x) => second.call(first.call(input.call(x)));
    }
}
