using System.Security.Cryptography;
using Interp.Circuits;
using Interp.Clip;
using Interp.Dynamics;
using Interp.Hooks;
using Interp.Models.ToyClip;
using Interp.Multimodal;
using Interp.Stimuli;
using Interp.ToyWorld;
using Interp.Training;
using Interp.Zoo;

namespace Interp.Tests.Dynamics;

public sealed class TrajectoryMeasuresTests : IDisposable
{
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"measures-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A one-snapshot trajectory holding the shipped toy CLIP as the checkpoint of its last step.</summary>
    Trajectory ShippedAsTrajectory()
    {
        Directory.CreateDirectory(_folder);
        var settings = ToyTrainingSettings.For(ToyTower.Cnn);
        var name = TrajectoryWriter.FileNameOf(settings.Steps);
        File.Copy(ToyClipWeights.PathOf(ToyTower.Cnn), Path.Combine(_folder, name));
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(_folder, name))));
        new TrajectoryManifest(settings, new CheckpointSchedule([settings.Steps]), [new SnapshotEntry(settings.Steps, name, hash)]).Write(_folder);
        return Trajectory.Open(_folder);
    }

    [Fact]
    public void Each_measure_of_a_checkpoint_equals_the_projects_tool_run_directly_on_that_model()
    {
        var probes = new DynamicsProbes();
        var measure = Assert.Single(TrajectoryMeasures.Measure(ShippedAsTrajectory(), probes));
        using var model = ToyClipWeights.Load(ToyTower.Cnn);
        var hooked = new HookedModel("toy-clip", model, new InputConvention(64, "identity"));

        var zeroShot = ToyClipEvaluation.ZeroShot(model, probes.HeldOutSeed, probes.PerKind);
        Assert.Equal(zeroShot.Drawings, measure.DrawingAccuracy, 1.0 / probes.PerKind);   // a near tie may fall the other way in another batch size
        Assert.Equal(zeroShot.Words, measure.WordAccuracy, 1.0 / probes.PerKind);
        Assert.Equal(probes.PerKind, measure.Drawings.Length);

        using var pictures = new ProbePictures(probes);
        var multimodal = Multimodality.Measure(hooked, "visual.stage4", ToyConcepts.Shapes, pictures.ConceptPictures, pictures.ConceptWords, 0.6, probes.Permutations);
        Assert.Equal(multimodal.MultimodalUnits.Count, measure.MultimodalUnits);
        Assert.Equal(multimodal.ChanceCount, measure.MultimodalChance, 3);

        using var classifier = ZeroShotClassifier.FromPrompts(model, ToyConcepts.Shapes.Count, ToyClipEvaluation.DrawingPrompt);
        int star = ToyConcepts.Shape("star");
        var attack = TypographicAttack.Measure(pictures.Victims, classifier.Predict, "star", star, TypographicAttack.ToyBaseline);
        Assert.Equal(attack.Eligible, measure.AttackEligible);
        Assert.Equal(attack.FlipRate.Value, measure.AttackFlipRate, 12);
        Assert.Equal(attack.ControlFlipRate.Value, measure.AttackControlFlipRate, 12);

        foreach (var count in measure.Curves)
        {
            var found = CurveSearch.Measure(hooked, count.Layer, pictures.Tuning, probes.CurveSettings, new StimulusStyle(64));
            Assert.Equal(found.Where(c => c.Passes(new CurveCriteria())).Select(c => c.BestCurveStimulus.Orientation), count.Orientations);
        }

        var spectrum = FilterSpectrum.Of(model.named_parameters().Single(p => p.name == "visual.stage1.conv1.weight").parameter, probes.SpectrumSize);
        Assert.Equal(spectrum.Shares.Select(s => Math.Round(s, 6)), measure.Spectrum);
        Assert.Equal(128, measure.TuningDistance.Count);
        Assert.All(measure.TuningDistance, d => Assert.Equal(0, d, 6));   // the last checkpoint is its own final tuning
    }

    [Fact]
    public void The_record_round_trips_with_its_NaNs_and_unmeasured_steps_are_named()
    {
        var measure = new CheckpointMeasure(5, 5.5, "0110", "1", "0", 2, 2.5, 0, double.NaN, double.NaN, [new CurveCount("visual.stage2", 1, 3, [45])], [0.5, 0.5],
            0.03, [0.1, double.NaN, 0.3]);
        var record = new TrajectoryRecord(new ToyTrainingSettings(Steps: 5), new CheckpointSchedule([0, 5]), "a CPU", 2, 1.5, 2.5, new DynamicsProbes(),
            [new SnapshotEntry(5, "step-000005.bin", "ab")], [measure]);
        var path = Path.Combine(_folder, TrajectoryRecord.FileName);
        record.Save(path);
        var back = TrajectoryRecord.Load(path);
        var again = back.At(5);
        Assert.True(double.IsNaN(again.AttackFlipRate));
        Assert.Equal(0.5, again.DrawingAccuracy);
        Assert.Equal(0.2, again.MedianTuningDistance, 12);   // NaN left out: the median of 0.1 and 0.3
        Assert.Equal(record.Settings, back.Settings);
        Assert.Equal([45.0], again.Curves[0].Orientations);
        Assert.Contains("measured steps: 5", Assert.Throws<ArgumentException>(() => back.At(3)).Message);
        Assert.Contains("no trajectory record", Assert.Throws<FileNotFoundException>(() => TrajectoryRecord.Load(Path.Combine(_folder, "none.json"))).Message);
        File.WriteAllText(path, "{ not json");
        Assert.Contains("not a trajectory record", Assert.Throws<InvalidDataException>(() => TrajectoryRecord.Load(path)).Message);
    }

    [Fact]
    public void A_trajectory_without_a_readable_snapshot_is_refused_naming_its_problems()
    {
        ShippedAsTrajectory();
        File.Delete(Path.Combine(_folder, TrajectoryWriter.FileNameOf(900)));
        var error = Assert.Throws<InvalidOperationException>(() => TrajectoryMeasures.Measure(Trajectory.Open(_folder)));
        Assert.Contains("no readable snapshot: step-000900.bin: the file is missing", error.Message);
        Assert.Contains("tuning pictures ≥ 3", Assert.Throws<ArgumentException>(() => new DynamicsProbes(TuningPictures: 2).Validate()).Message);
    }

    /// <summary>A tower's probes on a handful of pictures: enough to run every measure, fast.</summary>
    static DynamicsProbes Small(ToyTower tower) =>
        DynamicsProbes.For(tower) with { PerKind = 12, LossBatch = 8, ConceptPictures = 2, Permutations = 5, Victims = 6, TuningPictures = 6 };

    [Fact]
    public void A_ViT_checkpoint_is_measured_through_its_token_views_with_its_patch_embedding_as_first_layer()
    {
        var probes = Small(ToyTower.Vit);
        using var pictures = new ProbePictures(probes);
        using var vit = new ToyClipModel(0, ToyTower.Vit);
        var final = TrajectoryMeasures.Tuning(vit, probes, pictures);
        Assert.Equal([128, 6], new[] { final.GetLength(0), final.GetLength(1) });   // the last block's 128 channels on the patch grid, per picture
        var measure = TrajectoryMeasures.Measure(0, vit, probes, pictures, final);
        Assert.Empty(measure.Curves);                                             // no curve search on attention layers
        Assert.Equal(12, measure.Words.Length);
        var spectrum = FilterSpectrum.Of(vit.named_parameters().Single(p => p.name == "visual.embed.weight").parameter, probes.SpectrumSize);
        Assert.Equal(spectrum.Shares.Select(s => Math.Round(s, 6)), measure.Spectrum);
    }

    [Fact]
    public void A_ConvNeXt_checkpoint_is_measured_with_its_stem_as_first_layer_and_curves_searched_on_its_first_stage()
    {
        var probes = Small(ToyTower.ConvNeXt);
        using var pictures = new ProbePictures(probes);
        using var convnext = new ToyClipModel(0, ToyTower.ConvNeXt);
        var final = TrajectoryMeasures.Tuning(convnext, probes, pictures);
        Assert.Equal([128, 6], new[] { final.GetLength(0), final.GetLength(1) });   // visual.stage3's 128 channels, per picture
        var measure = TrajectoryMeasures.Measure(0, convnext, probes, pictures, final);
        Assert.Equal("visual.stage1", Assert.Single(measure.Curves).Layer);       // the curve search ran: its field is probed through LayerNorm and GELU
        var spectrum = FilterSpectrum.Of(convnext.named_parameters().Single(p => p.name == "visual.stem.0.weight").parameter, probes.SpectrumSize);
        Assert.Equal(spectrum.Shares.Select(s => Math.Round(s, 6)), measure.Spectrum);
        Assert.All(measure.TuningDistance, d => Assert.Equal(0, d, 6));          // measured against its own tuning
    }
}
