using System.Collections;
using Interp.Text;
using Interp.Units;
using static TorchSharp.torch;

namespace Interp.Hooks;

/// <summary>
/// Activations recorded by <see cref="HookedModel.RunWithCache(Tensor, IEnumerable{string}, bool, bool)"/>, by
/// layer name. The cache owns its tensors: dispose it to free them.
/// </summary>
public sealed class ActivationCache : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    readonly Dictionary<string, Tensor> _acts;

    readonly Tensor? _output;

    internal ActivationCache(Dictionary<string, Tensor> acts, Tensor? output, string? stoppedAfter)
    {
        _acts = acts;
        _output = output;
        StoppedAfter = stoppedAfter;
    }

    /// <summary>
    /// The layer after which the forward pass was stopped (<c>stopEarly</c>), or <c>"input"</c> when the
    /// model did not run at all; null when it ran to the end.
    /// </summary>
    public string? StoppedAfter { get; }

    /// <summary>The model's output for the same forward pass; an error when the pass was stopped early.</summary>
    public Tensor Output => _output ?? throw new InvalidOperationException(
        $"The forward pass stopped after '{StoppedAfter}' (stopEarly: true), so the model's output was not computed. " +
        "Run RunWithCache with stopEarly: false to get it.");

    /// <summary>The activation of a layer; an unknown name lists the cached ones.</summary>
    public Tensor this[string layer] => _acts.TryGetValue(layer, out var t)
        ? t
        : throw new KeyNotFoundException(NearestNames.UnknownMessage("cached layer", layer, _acts.Keys.ToList()));

    /// <summary>The activation of a unit: the whole layer, one channel [N, H, W] (or [N]), or one position [N].</summary>
    public Tensor this[Unit unit]
    {
        get
        {
            var act = this[unit.Layer];
            unit.Validate(act.shape);
            if (unit.Channel is not { } c) return act;
            var ch = act.select(1, c);
            return unit.Position is { } p ? ch.select(1, p.Y).select(1, p.X) : ch;
        }
    }

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _acts.Keys;
    /// <inheritdoc/>
    public IEnumerable<Tensor> Values => _acts.Values;
    /// <inheritdoc/>
    public int Count => _acts.Count;
    /// <inheritdoc/>
    public bool ContainsKey(string key) => _acts.ContainsKey(key);
    /// <inheritdoc/>
    public bool TryGetValue(string key, out Tensor value) => _acts.TryGetValue(key, out value!);
    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _acts.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Frees every cached tensor and the output.</summary>
    public void Dispose()
    {
        foreach (var t in _acts.Values) t.Dispose();
        _output?.Dispose();
        _acts.Clear();
    }
}
