using System.Text.Json;

namespace Interp.Training;

/// <summary>One kept snapshot of a training run: the weights after <paramref name="Step"/> optimization steps.</summary>
/// <param name="Step">Optimization steps taken (0: the initialization).</param>
/// <param name="File">The weights' file name inside the trajectory's folder.</param>
/// <param name="Sha256">The file's SHA-256, checked when it is read.</param>
/// <param name="Precision">"float32" (as trained) or "float16" (a compact copy, within rounding of the original).</param>
public sealed record SnapshotEntry(int Step, string File, string Sha256, string Precision = SnapshotEntry.Float32)
{
    /// <summary>Weights stored as trained.</summary>
    public const string Float32 = "float32";

    /// <summary>Weights rounded to half precision (half the size).</summary>
    public const string Float16 = "float16";
}

/// <summary>
/// What a trajectory folder holds (<c>trajectory.json</c>): the run's settings, its checkpoint schedule and the snapshots written so
/// far. The manifest is rewritten (atomically) after every snapshot, so an interrupted run leaves a consistent folder.
/// </summary>
public sealed record TrajectoryManifest(ToyTrainingSettings Settings, CheckpointSchedule Schedule, IReadOnlyList<SnapshotEntry> Snapshots)
{
    /// <summary>The manifest's file name inside a trajectory folder.</summary>
    public const string FileName = "trajectory.json";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, IndentSize = 1 };

    /// <summary>The manifest in <paramref name="folder"/>, or null when the folder has none.</summary>
    public static TrajectoryManifest? Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!System.IO.File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<TrajectoryManifest>(System.IO.File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"'{path}' is empty; a trajectory manifest lists settings, schedule and snapshots.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a trajectory manifest ({e.Message}).", e);
        }
    }

    /// <summary>Writes the manifest into <paramref name="folder"/> (beside, then moved into place).</summary>
    public void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        System.IO.File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, Json));
        System.IO.File.Move(path + ".tmp", path, overwrite: true);
    }
}
