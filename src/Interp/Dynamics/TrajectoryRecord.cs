using System.Text.Json;
using System.Text.Json.Serialization;
using Interp.Training;

namespace Interp.Dynamics;

/// <summary>
/// The record of a measured trajectory (<c>measures.json</c>, written by <c>interp train toy-clip --checkpoints</c> and
/// <c>interp trajectory measure</c>): the run's settings and schedule, where and how fast it ran, the probes, every snapshot's hash
/// and every checkpoint's measures.
/// </summary>
/// <param name="Cpu">The CPU the measures (and the training, when <paramref name="TrainingSeconds"/> is set) ran on.</param>
/// <param name="Threads">Torch threads.</param>
/// <param name="TrainingSeconds">Training time with snapshots (null when only measured).</param>
/// <param name="MeasureSeconds">Time to measure every checkpoint.</param>
public sealed record TrajectoryRecord(ToyTrainingSettings Settings, CheckpointSchedule Schedule, string Cpu, int Threads, double? TrainingSeconds,
    double MeasureSeconds, DynamicsProbes Probes, IReadOnlyList<SnapshotEntry> Snapshots, IReadOnlyList<CheckpointMeasure> Measures)
{
    /// <summary>The record's file name inside a trajectory folder.</summary>
    public const string FileName = "measures.json";

    // NaN stands for "not measurable at this checkpoint" (e.g. an attack with no eligible drawing), so it must survive the round trip.
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, IndentSize = 1, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes the record to <paramref name="path"/> (beside, then moved into place).</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Reads the record at <paramref name="path"/>, with a clear error when it is missing or not a record.</summary>
    public static TrajectoryRecord Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"There is no trajectory record at '{path}' (interp train toy-clip --checkpoints or interp trajectory measure writes one).", path);
        try
        {
            return JsonSerializer.Deserialize<TrajectoryRecord>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"'{path}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a trajectory record ({e.Message}).", e);
        }
    }

    /// <summary>The measures of <paramref name="step"/>; an error lists the measured steps.</summary>
    public CheckpointMeasure At(int step) => Measures.FirstOrDefault(m => m.Step == step)
        ?? throw new ArgumentException($"Step {step} was not measured; measured steps: {string.Join(", ", Measures.Select(m => m.Step))}.", nameof(step));
}
