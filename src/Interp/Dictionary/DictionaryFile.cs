using System.Text.Json;

namespace Interp.Dictionary;

/// <summary>
/// A trained dictionary on disk: <c>path</c> holds its <see cref="DictionaryInfo"/> as JSON, <c>path.weights</c> the
/// autoencoder's tensors. Written whole (temporary names, then moved, the JSON last); loading checks the model and layer.
/// </summary>
public static class DictionaryFile
{
    /// <summary>Saves <paramref name="sae"/> with <paramref name="info"/> (whose settings must be the autoencoder's).</summary>
    public static void Save(string path, SparseAutoencoder sae, DictionaryInfo info)
    {
        if (info.Settings != sae.Settings)
            throw new ArgumentException($"The info's settings ({info.Settings}) are not the autoencoder's ({sae.Settings}).", nameof(info));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        sae.save(path + ".weights.tmp");
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(info, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".weights.tmp", path + ".weights", overwrite: true);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Reads a dictionary's info without its weights.</summary>
    public static DictionaryInfo ReadInfo(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No dictionary at '{path}'.", path);
        try
        {
            return JsonSerializer.Deserialize<DictionaryInfo>(File.ReadAllText(path)) ?? throw new InvalidDataException($"'{path}' holds no dictionary info.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a dictionary file ({e.Message}).", e);
        }
    }

    /// <summary>
    /// Loads the dictionary at <paramref name="path"/> for <paramref name="model"/>'s <paramref name="layer"/>; a dictionary
    /// trained on another model or layer is refused, naming both.
    /// </summary>
    public static (SparseAutoencoder Sae, DictionaryInfo Info) Load(string path, string model, string layer)
    {
        var info = ReadInfo(path);
        if (info.Model != model || info.Layer != layer)
            throw new InvalidOperationException($"'{path}' is a dictionary of {info.Model} {info.Layer}, not of {model} {layer}.");
        return (Weights(path, info), info);
    }

    /// <summary>
    /// Loads the dictionary at <paramref name="path"/> for <paramref name="model"/>, whichever of its layers it was trained on
    /// (the info names it); a dictionary of another model is refused, naming both.
    /// </summary>
    public static (SparseAutoencoder Sae, DictionaryInfo Info) Load(string path, string model)
    {
        var info = ReadInfo(path);
        if (info.Model != model)
            throw new InvalidOperationException($"'{path}' is a dictionary of {info.Model} {info.Layer}, not of {model}.");
        return (Weights(path, info), info);
    }

    static SparseAutoencoder Weights(string path, DictionaryInfo info)
    {
        if (!File.Exists(path + ".weights")) throw new FileNotFoundException($"The dictionary's weights '{path}.weights' are missing.", path + ".weights");
        var sae = new SparseAutoencoder(info.Settings);
        sae.load(path + ".weights");
        return sae;
    }
}
