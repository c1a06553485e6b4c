using System.Security.Cryptography;
using Interp.Models.ToyClip;
using Interp.Training;
using TorchSharp;

namespace Interp.Dynamics;

/// <summary>A snapshot of a trajectory that cannot be read: its step, file and what is wrong.</summary>
public sealed record SnapshotProblem(int Step, string File, string Problem);

/// <summary>
/// The snapshots of one toy-CLIP training run (a folder written by <see cref="TrajectoryWriter"/>, or a compact copy), read lazily:
/// one model in memory at a time. Missing or corrupt snapshots are listed in <see cref="Problems"/> and skipped; the rest can
/// still be analysed.
/// </summary>
public sealed class Trajectory
{
    readonly Dictionary<int, SnapshotEntry> _healthy;

    Trajectory(string folder, TrajectoryManifest manifest, Dictionary<int, SnapshotEntry> healthy, IReadOnlyList<SnapshotProblem> problems)
    {
        (Folder, Manifest, _healthy, Problems) = (folder, manifest, healthy, problems);
    }

    /// <summary>The trajectory's folder.</summary>
    public string Folder { get; }

    /// <summary>The run's settings, schedule and snapshot list.</summary>
    public TrajectoryManifest Manifest { get; }

    /// <summary>The run's training settings.</summary>
    public ToyTrainingSettings Settings => Manifest.Settings;

    /// <summary>Steps whose snapshot is present and intact, ascending.</summary>
    public IReadOnlyList<int> Steps => [.. _healthy.Keys.Order()];

    /// <summary>Snapshots listed but missing or corrupt (hash mismatch), and scheduled steps a run interrupted before them never wrote.</summary>
    public IReadOnlyList<SnapshotProblem> Problems { get; }

    /// <summary>
    /// Opens the trajectory in <paramref name="folder"/>, checking every listed file's hash. With <paramref name="expected"/>, refuses
    /// a trajectory of other settings, naming the differences.
    /// </summary>
    public static Trajectory Open(string folder, ToyTrainingSettings? expected = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"There is no trajectory folder '{full}'.");
        var manifest = TrajectoryManifest.Read(full)
            ?? throw new FileNotFoundException($"'{full}' has no {TrajectoryManifest.FileName}: it is not a trajectory folder (interp train toy-clip --checkpoints writes one).");
        if (expected is not null && manifest.Settings.DifferencesFrom(expected) is { Count: > 0 } differences)
            throw new InvalidOperationException($"'{full}' is the trajectory of another run: {string.Join("; ", differences)}.");
        var healthy = new Dictionary<int, SnapshotEntry>();
        var problems = new List<SnapshotProblem>();
        foreach (var entry in manifest.Snapshots)
        {
            var path = Path.Combine(full, entry.File);
            if (!File.Exists(path)) { problems.Add(new(entry.Step, entry.File, "the file is missing")); continue; }
            var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
            if (hash != entry.Sha256) { problems.Add(new(entry.Step, entry.File, $"corrupt: SHA-256 {hash[..12]}… where the manifest says {entry.Sha256[..12]}…")); continue; }
            if (entry.Precision is not (SnapshotEntry.Float32 or SnapshotEntry.Float16))
            {
                problems.Add(new(entry.Step, entry.File, $"unknown precision '{entry.Precision}' (valid: {SnapshotEntry.Float32}, {SnapshotEntry.Float16})"));
                continue;
            }
            healthy[entry.Step] = entry;
        }
        bool compact = manifest.Snapshots.Count > 0 && manifest.Snapshots.All(s => s.Precision == SnapshotEntry.Float16);
        if (!compact)
            foreach (var step in manifest.Schedule.Steps.Where(s => manifest.Snapshots.All(e => e.Step != s)))
                problems.Add(new(step, TrajectoryWriter.FileNameOf(step), "never written (the run stopped before this step)"));
        return new Trajectory(full, manifest, healthy, [.. problems.OrderBy(p => p.Step)]);
    }

    /// <summary>The model after <paramref name="step"/> optimization steps, in eval mode (float32 even when stored compact). Dispose it.</summary>
    public ToyClipModel Load(int step)
    {
        if (!_healthy.TryGetValue(step, out var entry))
        {
            var problem = Problems.FirstOrDefault(p => p.Step == step);
            throw new ArgumentException(problem is not null
                ? $"Step {step}'s snapshot ({problem.File}) cannot be read: {problem.Problem}."
                : $"There is no snapshot of step {step}; steps with snapshots: {string.Join(", ", Steps)}.", nameof(step));
        }
        return LoadFile(Path.Combine(Folder, entry.File), Settings, entry.Precision);
    }

    /// <summary>
    /// <paramref name="measure"/> of every intact snapshot, in step order, loading one model at a time and disposing it after its
    /// measure.
    /// </summary>
    public IReadOnlyList<T> Measure<T>(Func<int, ToyClipModel, T> measure) => Measure(Steps, measure);

    /// <summary>
    /// <paramref name="measure"/> of the snapshots of <paramref name="steps"/> (each must be intact; an error names the others), in the
    /// order given, one model at a time.
    /// </summary>
    public IReadOnlyList<T> Measure<T>(IReadOnlyList<int> steps, Func<int, ToyClipModel, T> measure)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(measure);
        var results = new List<T>();
        foreach (var step in steps)
        {
            using var model = Load(step);
            results.Add(measure(step, model));
        }
        return results;
    }

    /// <summary>
    /// Writes half-precision copies of the snapshots of <paramref name="steps"/> into <paramref name="folder"/> with their own manifest
    /// (half the size; each weight within float16 rounding of the original), e.g. to ship a few checkpoints.
    /// </summary>
    public Trajectory WriteCompact(string folder, IEnumerable<int> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var chosen = steps.Distinct().Order().ToList();
        if (chosen.Count == 0) throw new ArgumentException($"Choose at least one step to keep; steps with snapshots: {string.Join(", ", Steps)}.", nameof(steps));
        var full = Path.GetFullPath(folder);
        if (full == Folder) throw new ArgumentException("Write the compact copy into another folder than the trajectory's own.", nameof(folder));
        Directory.CreateDirectory(full);
        var entries = new List<SnapshotEntry>();
        foreach (var step in chosen)
        {
            using var model = Load(step);
            model.to(torch.ScalarType.Float16);
            var name = TrajectoryWriter.FileNameOf(step);
            var path = Path.Combine(full, name);
            model.save(path);
            entries.Add(new SnapshotEntry(step, name, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), SnapshotEntry.Float16));
        }
        var manifest = new TrajectoryManifest(Settings, new CheckpointSchedule(chosen), entries);
        manifest.Write(full);
        return Open(full);
    }

    static ToyClipModel LoadFile(string path, ToyTrainingSettings settings, string precision)
    {
        var model = new ToyClipModel(settings.InitSeed, settings.Tower);
        try
        {
            if (precision == SnapshotEntry.Float16) model.to(torch.ScalarType.Float16);
            model.load(path);
            if (precision == SnapshotEntry.Float16) model.to(torch.ScalarType.Float32);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new InvalidDataException(
                $"'{path}' does not hold a {precision} toy CLIP with a {settings.Tower} image tower, as the trajectory's manifest says ({e.Message}).", e);
        }
        model.eval();
        return model;
    }
}
