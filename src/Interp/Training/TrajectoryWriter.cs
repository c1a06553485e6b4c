using System.Security.Cryptography;
using Interp.Models.ToyClip;

namespace Interp.Training;

/// <summary>
/// Keeps snapshots of a toy-CLIP training run in a folder, at the steps of a <see cref="CheckpointSchedule"/>: <c>step-000050.bin</c>
/// (the whole model, float32, as <c>Module.save</c> writes it) and <c>trajectory.json</c> (<see cref="TrajectoryManifest"/>). Pass it
/// to <see cref="ToyClipTraining.Train"/>; a run resumed from its checkpoint writes the same snapshots, bit for bit, as an
/// uninterrupted one (at a fixed thread count).
/// </summary>
public sealed class TrajectoryWriter(string folder, CheckpointSchedule schedule)
{
    readonly List<SnapshotEntry> _written = [];
    ToyTrainingSettings? _settings;

    /// <summary>The trajectory's folder.</summary>
    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>The steps to keep.</summary>
    public CheckpointSchedule Schedule { get; } = schedule ?? throw new ArgumentNullException(nameof(schedule));

    /// <summary>The file name of step <paramref name="step"/>'s snapshot.</summary>
    public static string FileNameOf(int step) => $"step-{step:D6}.bin";

    /// <summary>
    /// Called by the trainer before its first step: refuses a folder that holds another run's trajectory (naming the differences)
    /// and, for a run resumed at <paramref name="startStep"/>, one that lacks the snapshots before it (they cannot be made again).
    /// </summary>
    internal void Begin(ToyTrainingSettings settings, int startStep)
    {
        Schedule.ValidateFor(settings.Steps);
        _settings = settings;
        _written.Clear();
        if (TrajectoryManifest.Read(Folder) is { } existing)
        {
            var differences = existing.Settings.DifferencesFrom(settings);
            if (differences.Count > 0)
                throw new InvalidOperationException(
                    $"'{Folder}' holds the trajectory of another run ({string.Join("; ", differences)}). Use another folder or delete it.");
            if (existing.Schedule != Schedule)
                throw new InvalidOperationException(
                    $"'{Folder}' holds this run's snapshots at steps {existing.Schedule}, not {Schedule}. Use another folder or delete it.");
            _written.AddRange(existing.Snapshots.Where(s => s.Step <= startStep && File.Exists(Path.Combine(Folder, s.File))));
        }
        var missing = Schedule.Steps.Where(s => startStep > 0 && s <= startStep && _written.All(w => w.Step != s)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"The run resumes at step {startStep}, but '{Folder}' lacks the snapshots of steps {string.Join(", ", missing)}, which only a run from the " +
                "start can write. Delete the run's checkpoint to start over, or write the trajectory to the folder it was started in.");
        new TrajectoryManifest(settings, Schedule, [.. _written]).Write(Folder);
    }

    /// <summary>Called by the trainer after <paramref name="step"/> optimization steps: saves the model when the schedule keeps that step.</summary>
    internal void After(int step, ToyClipModel model)
    {
        if (!Schedule.Contains(step)) return;
        var settings = _settings ?? throw new InvalidOperationException("The trainer calls Begin before the first snapshot.");
        var name = FileNameOf(step);
        var path = Path.Combine(Folder, name);
        model.save(path + ".tmp");
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path + ".tmp")));
        File.Move(path + ".tmp", path, overwrite: true);
        _written.RemoveAll(s => s.Step == step);
        _written.Add(new SnapshotEntry(step, name, hash));
        _written.Sort((a, b) => a.Step.CompareTo(b.Step));
        new TrajectoryManifest(settings, Schedule, [.. _written]).Write(Folder);
    }
}
