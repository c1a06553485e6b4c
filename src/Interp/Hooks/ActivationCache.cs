using System.Collections;
using Interp.Text;
using Interp.Units;
using static TorchSharp.torch;

namespace Interp.Hooks;

/// <summary>
/// Activations recorded by <see cref="HookedModel.RunWithCache(Tensor, IEnumerable{string}, bool)"/>, by
/// layer name. The cache owns its tensors: dispose it to free them.
/// </summary>
public sealed class ActivationCache : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    readonly Dictionary<string, Tensor> _acts;

    internal ActivationCache(Dictionary<string, Tensor> acts, Tensor output)
    {
        _acts = acts;
        Output = output;
    }

    /// <summary>The model's output for the same forward pass.</summary>
    public Tensor Output { get; }

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
        Output.Dispose();
        _acts.Clear();
    }
}
