using System.Text.Json;
using Interp.Dynamics;
using Interp.Models.ToyClip;
using Interp.Training;
using static TorchSharp.torch;

namespace Interp.Tests.Dynamics;

public sealed class TrajectoryTests : IDisposable
{
    static readonly ToyTrainingSettings Tiny = new(Steps: 6, BatchSize: 8, WarmupSteps: 1, CheckpointEvery: 2);
    static readonly CheckpointSchedule Schedule = new([0, 1, 2, 4, 6]);
    readonly string _root = Path.Combine(Path.GetTempPath(), $"trajectory-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    string Folder(string name) => Path.Combine(_root, name);

    /// <summary>Trains <see cref="Tiny"/> from scratch with snapshots into <paramref name="name"/>; returns the trained model.</summary>
    ToyClipModel Run(string name, ToyTrainingSettings? settings = null)
    {
        var s = settings ?? Tiny;
        var model = new ToyClipModel(s.InitSeed, s.Tower);
        ToyClipTraining.Train(model, s, snapshots: new TrajectoryWriter(Folder(name), Schedule));
        return model;
    }

    static bool SameWeights(ToyClipModel a, ToyClipModel b) =>
        a.named_parameters().Zip(b.named_parameters()).All(p => p.First.name == p.Second.name && (p.First.parameter == p.Second.parameter).all().item<bool>());

    [Fact]
    public void The_default_schedule_is_log_spaced_early_then_regular_and_always_ends_at_the_last_step()
    {
        Assert.Equal([0, 1, 2, 3, 5, 9, 16, 29, 50, .. Enumerable.Range(2, 17).Select(i => i * 50)], CheckpointSchedule.LogThenEvery(900).Steps);
        Assert.Equal([0, 1, 10, 20, 25], CheckpointSchedule.LogThenEvery(25, early: 2, every: 10).Steps);
        Assert.Equal([0, 3, 5], new CheckpointSchedule([5, 3, 0, 5]).Steps);
        Assert.True(new CheckpointSchedule([0, 4]) == new CheckpointSchedule([4, 0]));
        Assert.Contains("no checkpoints", Assert.Throws<ArgumentException>(() => new CheckpointSchedule([])).Message);
        Assert.Contains("from 0", Assert.Throws<ArgumentException>(() => new CheckpointSchedule([-1, 3])).Message);
        Assert.Contains("steps 0 to 6 are valid", Assert.Throws<ArgumentException>(() => new CheckpointSchedule([0, 7]).ValidateFor(6)).Message);
        var written = JsonSerializer.Serialize(CheckpointSchedule.LogThenEvery(100));
        Assert.Equal(CheckpointSchedule.LogThenEvery(100), JsonSerializer.Deserialize<CheckpointSchedule>(written));
    }

    [Fact]
    public void Snapshots_hold_the_weights_of_their_step_and_a_resumed_run_writes_the_same_files_bit_for_bit()
    {
        using var trained = Run("whole");
        var whole = Trajectory.Open(Folder("whole"));
        Assert.Equal(Schedule.Steps, whole.Steps);
        Assert.Empty(whole.Problems);
        using (var first = whole.Load(0))
        using (var init = new ToyClipModel(Tiny.InitSeed))
            Assert.True(SameWeights(first, init), "step 0 is not the initialization");
        using (var last = whole.Load(6))
            Assert.True(SameWeights(last, trained), "the last snapshot is not the trained model");
        using (var two = whole.Load(2))
        using (var again = new ToyClipModel(Tiny.InitSeed))
        {
            ToyClipTraining.Train(again, Tiny, stopAfter: 2);
            Assert.True(SameWeights(two, again), "step 2's snapshot is not the model after two steps");
        }

        var checkpoint = Path.Combine(_root, "run.checkpoint");
        using (var interrupted = new ToyClipModel(Tiny.InitSeed))
            ToyClipTraining.Train(interrupted, Tiny, checkpoint, stopAfter: 3, snapshots: new TrajectoryWriter(Folder("resumed"), Schedule));
        Assert.Equal([0, 1, 2], Trajectory.Open(Folder("resumed")).Steps);
        Assert.Equal(["never written (the run stopped before this step)"], Trajectory.Open(Folder("resumed")).Problems.Select(p => p.Problem).Distinct());
        using (var resumed = new ToyClipModel(seed: 5))
            ToyClipTraining.Train(resumed, Tiny, checkpoint, snapshots: new TrajectoryWriter(Folder("resumed"), Schedule));
        var again2 = Trajectory.Open(Folder("resumed"));
        Assert.Equal(whole.Manifest.Snapshots, again2.Manifest.Snapshots);   // same steps, files and SHA-256s
        Assert.Equal(Schedule.Steps, whole.Measure((step, model) => { Assert.False(model.training); return step; }));
    }

    [Fact]
    public void A_folder_of_another_run_or_a_resume_without_its_earlier_snapshots_is_refused_naming_why()
    {
        using (Run("a")) { }
        var other = Tiny with { InitSeed = 1, LearningRate = 1e-3 };
        var refused = Assert.Throws<InvalidOperationException>(() =>
            ToyClipTraining.Train(new ToyClipModel(1), other, snapshots: new TrajectoryWriter(Folder("a"), Schedule)));
        Assert.Contains("another run", refused.Message);
        Assert.Contains("LearningRate: 0.002 ≠ 0.001", refused.Message);
        Assert.Contains("InitSeed: 0 ≠ 1", refused.Message);
        Assert.Contains("at steps [0, 1, 2, 4, 6], not [0, 6]", Assert.Throws<InvalidOperationException>(() =>
            ToyClipTraining.Train(new ToyClipModel(), Tiny, snapshots: new TrajectoryWriter(Folder("a"), new CheckpointSchedule([0, 6])))).Message);
        Assert.Contains("steps 0 to 6 are valid", Assert.Throws<ArgumentException>(() =>
            ToyClipTraining.Train(new ToyClipModel(), Tiny, snapshots: new TrajectoryWriter(Folder("b"), new CheckpointSchedule([0, 9])))).Message);
        Assert.Contains("InitSeed: 0 ≠ 1", Assert.Throws<InvalidOperationException>(() => Trajectory.Open(Folder("a"), Tiny with { InitSeed = 1 })).Message);

        var checkpoint = Path.Combine(_root, "b.checkpoint");
        using (var interrupted = new ToyClipModel())
            ToyClipTraining.Train(interrupted, Tiny, checkpoint, stopAfter: 2);
        var lacking = Assert.Throws<InvalidOperationException>(() =>
            ToyClipTraining.Train(new ToyClipModel(), Tiny, checkpoint, snapshots: new TrajectoryWriter(Folder("c"), Schedule)));
        Assert.Contains("resumes at step 2", lacking.Message);
        Assert.Contains("lacks the snapshots of steps 0, 1, 2", lacking.Message);
    }

    [Fact]
    public void Missing_and_corrupt_snapshots_are_named_and_the_rest_is_still_read()
    {
        using (Run("damaged")) { }
        File.Delete(Path.Combine(Folder("damaged"), TrajectoryWriter.FileNameOf(1)));
        var corrupt = Path.Combine(Folder("damaged"), TrajectoryWriter.FileNameOf(4));
        var bytes = File.ReadAllBytes(corrupt);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(corrupt, bytes);

        var trajectory = Trajectory.Open(Folder("damaged"));
        Assert.Equal([0, 2, 6], trajectory.Steps);
        Assert.Equal([(1, "step-000001.bin", "the file is missing")], trajectory.Problems.Where(p => p.Step == 1).Select(p => (p.Step, p.File, p.Problem)));
        Assert.StartsWith("corrupt: SHA-256", trajectory.Problems.Single(p => p.Step == 4).Problem);
        Assert.Equal([0, 2, 6], trajectory.Measure((step, _) => step));
        Assert.Contains("step-000004.bin) cannot be read: corrupt", Assert.Throws<ArgumentException>(() => trajectory.Load(4)).Message);
        Assert.Contains("steps with snapshots: 0, 2, 6", Assert.Throws<ArgumentException>(() => trajectory.Load(3)).Message);
        Assert.Contains("not a trajectory folder", Assert.Throws<FileNotFoundException>(() => Trajectory.Open(_root)).Message);
    }

    [Fact]
    public void Compact_copies_load_within_float16_rounding_at_half_the_size_and_a_file_of_another_tower_is_refused()
    {
        using (Run("full")) { }
        var full = Trajectory.Open(Folder("full"));
        var compact = full.WriteCompact(Folder("compact"), [0, 6]);
        Assert.Equal([0, 6], compact.Steps);
        Assert.Empty(compact.Problems);
        foreach (var step in compact.Steps)
        {
            using var original = full.Load(step);
            using var small = compact.Load(step);
            foreach (var ((name, a), (_, b)) in original.named_parameters().Zip(small.named_parameters()))
            {
                Assert.Equal(ScalarType.Float32, b.dtype);
                var error = (a - b).abs() - (a.abs() * Math.Pow(2, -11) + 1e-7);   // float16: 11 significant bits (and its subnormals)
                Assert.True(error.max().item<float>() <= 0, $"{name} at step {step} is off by more than float16 rounding");
            }
            double ratio = new FileInfo(Path.Combine(Folder("compact"), TrajectoryWriter.FileNameOf(step))).Length
                           / (double)new FileInfo(Path.Combine(Folder("full"), TrajectoryWriter.FileNameOf(step))).Length;
            Assert.InRange(ratio, 0.45, 0.55);
        }
        Assert.Contains("at least one step", Assert.Throws<ArgumentException>(() => full.WriteCompact(Folder("none"), [])).Message);

        // A manifest that calls a ViT's weights a CNN's: the hash is right, the load is refused naming what was expected.
        var liar = Folder("liar");
        Directory.CreateDirectory(liar);
        using (var vit = new ToyClipModel(0, ToyTower.Vit)) vit.save(Path.Combine(liar, "step-000000.bin"));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(liar, "step-000000.bin"))));
        new TrajectoryManifest(Tiny, new CheckpointSchedule([0]), [new SnapshotEntry(0, "step-000000.bin", hash)]).Write(liar);
        var wrong = Assert.Throws<InvalidDataException>(() => Trajectory.Open(liar).Load(0));
        Assert.Contains("does not hold a float32 toy CLIP with a Cnn image tower", wrong.Message);
    }
}
