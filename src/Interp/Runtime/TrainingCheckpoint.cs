using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;

namespace Interp.Runtime;

/// <summary>
/// A training run's checkpoint as three whole files: <c>path</c> (the run's record as JSON), <c>path.model</c> and
/// <c>path.optimizer</c>. Each is written beside and moved into place, the JSON last (it says which step the weights belong to).
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>Saves <paramref name="module"/>, <paramref name="optimizer"/> and <paramref name="record"/> at <paramref name="path"/>.</summary>
    public static void Save<T>(string path, torch.nn.Module module, OptimizerHelper optimizer, T record)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        module.save(path + ".model.tmp");
        optimizer.save_state_dict(path + ".optimizer.tmp");
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(record));
        File.Move(path + ".model.tmp", path + ".model", overwrite: true);
        File.Move(path + ".optimizer.tmp", path + ".optimizer", overwrite: true);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The record at <paramref name="path"/>, or null when there is no checkpoint there.</summary>
    public static T? ReadRecord<T>(string path, string what) where T : class =>
        File.Exists(path) ? JsonSerializer.Deserialize<T>(File.ReadAllText(path)) ?? throw new InvalidDataException($"'{path}' is not a {what} checkpoint.") : null;

    /// <summary>Loads the weights and optimizer state saved beside the record at <paramref name="path"/>.</summary>
    public static void LoadState(string path, torch.nn.Module module, OptimizerHelper optimizer)
    {
        module.load(path + ".model");
        optimizer.load_state_dict(path + ".optimizer");
    }
}
