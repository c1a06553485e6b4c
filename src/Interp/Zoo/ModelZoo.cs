using Interp.Hooks;
using Interp.Text;

using Interp.Models;

namespace Interp.Zoo;

/// <summary>The registry of models: every entry has a name, source, licence, input convention and loader.</summary>
public static class ModelZoo
{
    static readonly List<ZooEntry> _entries = [ResNet18Imagenet.Entry, InceptionV1Lucid.Entry, .. OpenAiClip.Entries, .. ToyClipWeights.Entries];

    /// <summary>Every registered model.</summary>
    public static IReadOnlyList<ZooEntry> Entries => _entries;

    /// <summary>The entry called <paramref name="name"/>; an unknown name lists the known ones.</summary>
    public static ZooEntry Get(string name) =>
        _entries.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(NearestNames.UnknownMessage("model", name, _entries.Select(e => e.Name).ToList()), nameof(name));

    /// <summary>Every entry as plain data, with whether its weights are on this machine.</summary>
    public static IReadOnlyList<ZooModelInfo> Describe() =>
        _entries.Select(e =>
        {
            var a = e.Availability();
            return new ZooModelInfo(e.Name, e.Description, e.Source, e.License, e.Input.ToString(), a.IsPresent, a.IsPresent ? "" : a.HowToGet);
        }).ToList();

    /// <summary>Loads the model called <paramref name="name"/> with its real weights.</summary>
    public static HookedModel Load(string name) => Get(name).Load();

    /// <summary>Adds an entry; names must be unique.</summary>
    public static void Register(ZooEntry entry)
    {
        if (_entries.Any(e => string.Equals(e.Name, entry.Name, StringComparison.OrdinalIgnoreCase)))
            throw new ArgumentException($"The zoo already has a model called '{entry.Name}'.", nameof(entry));
        _entries.Add(entry);
    }
}
