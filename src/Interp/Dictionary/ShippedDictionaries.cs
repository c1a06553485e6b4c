using Interp.Hooks;

namespace Interp.Dictionary;

/// <summary>
/// The dictionaries shipped in <c>data/dictionaries</c> (trained with <c>interp train sae</c>, each with its training record), by
/// file name without the <c>.dict</c> ending, e.g. <c>toy-clip.visual.stage4.topk8.4x.seed1</c>.
/// </summary>
public static class ShippedDictionaries
{
    /// <summary>The folder.</summary>
    public static string Folder => Path.Combine(Runtime.InterpPaths.DataFolder(), "dictionaries");

    /// <summary>The names of the shipped dictionaries, in ordinal order.</summary>
    public static IReadOnlyList<string> Names => Directory.Exists(Folder)
        ? [.. Directory.GetFiles(Folder, "*.dict").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)]
        : [];

    /// <summary>The path of the shipped dictionary <paramref name="name"/>; an unknown name lists the shipped ones.</summary>
    public static string PathOf(string name)
    {
        var path = Path.Combine(Folder, name + ".dict");
        if (!File.Exists(path))
            throw new ArgumentException($"No shipped dictionary '{name}'; shipped: " +
                $"{(Names.Count == 0 ? "none (is the data folder there?)" : string.Join(", ", Names))}.", nameof(name));
        return path;
    }

    /// <summary>Loads <paramref name="name"/> for <paramref name="model"/> (refused when it is a dictionary of another model).</summary>
    public static DictionaryLayer Load(HookedModel model, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (sae, info) = DictionaryFile.Load(PathOf(name), model.Name);
        return new DictionaryLayer(sae, info);
    }

    /// <summary>The training record of <paramref name="name"/>.</summary>
    public static DictionaryRecord Record(string name) => DictionaryRecord.Load(PathOf(name));
}
