using System.Globalization;
using Interp.Hooks;
using Interp.Images;
using Interp.Datasets;
using static TorchSharp.torch;

namespace Interp.Exercises.Tour;

/// <summary>
/// Exercise 00.1 (★☆☆): write a function that returns the channel of a layer with the largest mean
/// activation (averaged over all spatial positions) for one photo.
/// </summary>
public static class StrongestChannelExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "00.1 The strongest channel";

    /// <summary>The learner's function: (model, photo [1,3,H,W], layer name) → channel index.</summary>
    public delegate int Answer(HookedModel model, Tensor photo, string layer);

    static readonly (string Photo, string Layer)[] Cases = [("coffee", "layer4"), ("chelsea", "layer2.1"), ("rocket", "layer3.0.conv2")];

    /// <summary>Runs the learner's function on several photos and layers and compares with a reference computed here.</summary>
    public static CheckResult Check(HookedModel model, Answer answer)
    {
        foreach (var (photoName, layer) in Cases)
        {
            using var scope = NewDisposeScope();
            var photo = SamplePhotos.Load(photoName, 224).unsqueeze(0);
            Tensor means;
            using (no_grad())
            using (var cache = model.RunWithCache(photo, layer))
                means = cache[layer][0].mean([1, 2]).clone();
            int got;
            try
            {
                using (no_grad()) got = answer(model, photo, layer);
            }
            catch (Exception e)
            {
                return new(Title, false, $"Your function threw {e.GetType().Name} for the {photoName} photo at {layer}: {e.Message}",
                    "Start from model.RunWithCache(photo, layer), then look at cache[layer].");
            }
            long channels = means.shape[0];
            if (got < 0 || got >= channels)
                return new(Title, false, $"For the {photoName} photo at {layer} you returned {got}, but {layer} has channels 0..{channels - 1}.",
                    "The answer is an index along dimension 1 of the activation [1, C, H, W].");
            float best = means.max().item<float>();
            float yours = means[got].item<float>();
            if (yours < best)
                return new(Title, false,
                    $"For the {photoName} photo at {layer} you returned channel {got}, whose mean activation is {F(yours)}; at least one channel has a larger mean (up to " +
                        $"{F(best)}).",
                    "Average over the spatial dimensions (H and W) of one image, then take the index of the largest value.");
        }
        return new(Title, true, $"Your function finds the strongest channel on {Cases.Length} photo/layer pairs.");
    }

    static string F(float v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
