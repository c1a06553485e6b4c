using Interp.Runtime;

namespace Interp.Dynamics;

/// <summary>
/// The training trajectories shipped in <c>data/dynamics</c> (notebook 07): per seed of the CNN toy CLIP, the record of every
/// checkpoint's measures (<c>seed{n}/measures.json</c>) and a few checkpoints in float16 (<c>seed{n}/checkpoints</c>); for the toy
/// ViT, the record of one run (<c>vit-seed0/measures.json</c>).
/// </summary>
public static class ShippedTrajectories
{
    /// <summary>The folder of the shipped trajectories.</summary>
    public static string Root => Path.Combine(InterpPaths.DataFolder(), "dynamics");

    /// <summary>The initialization seeds shipped, ascending.</summary>
    public static IReadOnlyList<int> Seeds => Directory.Exists(Root)
        ? [.. Directory.GetDirectories(Root, "seed*").Select(d => Path.GetFileName(d)[4..]).Select(s => int.TryParse(s, out int n) ? n : -1).Where(n => n >= 0).Order()]
        : [];

    /// <summary>The command that made seed <paramref name="seed"/>'s trajectory (then <c>interp trajectory compact</c> picked the shipped checkpoints).</summary>
    public static string Command(int seed) =>
        $"dotnet run -c Release --project src/Interp.Cli -- train toy-clip --seed {seed} --out <weights> --checkpoints <folder>";

    /// <summary>Seed <paramref name="seed"/>'s record; an error lists the shipped seeds.</summary>
    public static TrajectoryRecord Record(int seed) => TrajectoryRecord.Load(Path.Combine(FolderOf(seed), TrajectoryRecord.FileName));

    /// <summary>The toy ViT's record of seed <paramref name="seed"/> (its checkpoints are not shipped); an error says how to make it.</summary>
    public static TrajectoryRecord VitRecord(int seed = 0)
    {
        var folder = Path.Combine(Root, $"vit-seed{seed}");
        if (!Directory.Exists(folder))
            throw new ArgumentException($"No ViT trajectory of seed {seed} is shipped in {Root}. Make one with: {Command(seed)} --tower vit", nameof(seed));
        return TrajectoryRecord.Load(Path.Combine(folder, TrajectoryRecord.FileName));
    }

    /// <summary>Seed <paramref name="seed"/>'s shipped (float16) checkpoints.</summary>
    public static Trajectory Checkpoints(int seed) => Trajectory.Open(Path.Combine(FolderOf(seed), "checkpoints"));

    static string FolderOf(int seed)
    {
        var folder = Path.Combine(Root, $"seed{seed}");
        if (!Directory.Exists(folder))
            throw new ArgumentException($"No trajectory of seed {seed} is shipped in {Root}; shipped seeds: {string.Join(", ", Seeds)}. Make one with: {Command(seed)}",
                nameof(seed));
        return folder;
    }
}
