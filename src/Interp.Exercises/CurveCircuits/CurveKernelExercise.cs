using Interp.Circuits;
using Interp.Datasets;
using Interp.Images;
using Interp.Hooks;
using Interp.Stimuli;
using Interp.Units;
using static TorchSharp.torch;

namespace Interp.Exercises.CurveCircuits;

/// <summary>
/// Exercise 03.2 (★★★): write the weights of an artificial curve detector by hand — a kernel over an earlier layer that tiles
/// its line units along a curve — good enough to stand in for a real detector better than a control that knows where the
/// curve is but not which way it runs, and tuned to the right orientation.
/// </summary>
public static class CurveKernelExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "03.2 A hand-written curve detector";

    /// <summary>The learner's function: (line tuning of the source layer, the curve, the layers' alignment) → kernel [C, k, k], k odd.</summary>
    public delegate Tensor Answer(LineTuning tuning, Arc curve, LayerAlignment alignment);

    /// <summary>
    /// The check as notebook 03 runs it: the line tuning of <paramref name="source"/>, its alignment with <paramref name="layer"/>
    /// (where <paramref name="detector"/> was found) and the first eight whole-photo crops of the shipped photos.
    /// </summary>
    public static CheckResult Check(Answer answer, HookedModel model, CurveCandidate detector, string layer = "layer2", string source = "layer1")
    {
        var tuning = LineTuning.Measure(model, source);
        var alignment = LayerAlignment.Between(model, source, layer);
        using var crops = SamplePhotos.Crops(1);
        using var images = stack([.. Enumerable.Range(0, Math.Min(8, crops.Count)).Select(i =>
        {
            using var raw = crops.Load(i);
            return ImageTensors.ResizeCenterCrop(raw, model.Input.Size);
        })]);
        return Check(answer, model, detector, tuning, alignment, images);
    }

    /// <summary>
    /// Builds the learner's unit for <paramref name="detector"/> (a channel of <paramref name="alignment"/>'s target layer found by
    /// the curve search), calibrates its gain and bias on <paramref name="images"/>, and passes when (1) it explains more of the real
    /// unit's variance on those images than the orientation-blind control (<see cref="CurveRecipe.OrientationBlind"/>) and (2)
    /// substituted for the real unit, its orientation tuning peaks within 30° of the detector's orientation.
    /// </summary>
    public static CheckResult Check(Answer answer, HookedModel model, CurveCandidate detector, LineTuning tuning, LayerAlignment alignment, Tensor images)
    {
        const string hint = "Walk along the curve (HandWrittenCurves.Tangents gives points and their normals); at each point add, for every channel c, a weight " +
                            "that grows with how much c likes a line with that normal (tuning.Response(c, normal) minus the channel's mean response) at the point's " +
                            "kernel position (alignment.KernelPosition(x, y, size)). Channels blind to orientation should get nothing.";
        var target = new Unit(alignment.Target, detector.Channel);
        if (CheckResult.Try(Title, hint, () => answer(tuning, detector.BestCurveStimulus, alignment), out var kernel) is { } threw) return threw;
        if (kernel is null || kernel.ndim != 3 || kernel.shape[0] != tuning.Channels || kernel.shape[1] != kernel.shape[2] || kernel.shape[1] % 2 == 0)
            return new CheckResult(Title, false, $"The kernel must be [{tuning.Channels}, k, k] with k odd (one k×k map per channel of '{tuning.Layer}'); " +
                                                 $"you returned {(kernel is null ? "null" : $"[{string.Join(", ", kernel.shape)}]")}.", hint);
        using var mine = new ArtificialUnit(alignment.Source, kernel, alignment.Stride);
        kernel.Dispose();
        ArtificialUnit calibrated;
        try { calibrated = mine.Calibrate(model, target, images); }
        catch (InvalidOperationException e) { return new CheckResult(Title, false, $"Your unit could not be calibrated: {e.Message}", hint); }
        using var _ = calibrated;
        using var blind = HandWrittenCurves.Build(tuning, detector.BestCurveStimulus, alignment, new CurveRecipe(OrientationBlind: true));
        using var control = blind.Calibrate(model, target, images);
        double yours = calibrated.Fit!.ExplainedVariance, baseline = control.Fit!.ExplainedVariance;
        if (!(yours > baseline))
            return new CheckResult(Title, false, $"Your unit explains {yours:P2} of {target}'s variance on {images.shape[0]} images; the orientation-blind control explains " +
                                                 $"{baseline:P2}. Weight each channel by its orientation tuning, not equally.", hint);
        TuningCurve<Arc> curve;
        using (ArtificialUnit.Substitute(model, alignment.Target, [(detector.Channel, calibrated)]))
            curve = CurveSearch.OrientationCurve(model, alignment.Target, detector, step: 30);
        double best = curve.Best.Orientation, wanted = detector.BestCurveStimulus.Orientation;
        double gap = Math.Abs(((best - wanted) % 360 + 540) % 360 - 180);
        if (gap > 30)
            return new CheckResult(Title, false, $"Substituted for {target}, your unit answers curves bulging towards {best}° most, but the detector's curves bulge towards " +
                                                 $"{wanted}° ({gap:0}° away). Check the normals' direction and the kernel's row axis (rows grow downwards).", hint);
        return new CheckResult(Title, true, $"Your unit explains {yours:P1} of {target}'s variance (the orientation-blind control {baseline:P1}) and peaks at {best}°, " +
                                            $"{gap:0}° from the detector's {wanted}°.");
    }
}
