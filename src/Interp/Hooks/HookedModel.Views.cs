using Interp.Text;
using static TorchSharp.torch;

namespace Interp.Hooks;

public partial class HookedModel
{
    readonly Dictionary<string, (string Source, ILayerView View)> _views = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes <paramref name="view"/> of <paramref name="source"/> a layer named <c>source/suffix</c> (e.g. <c>layer3/sae</c>)
    /// until the returned handle is disposed: its units (<c>layer3/sae:12</c>) then work wherever a layer's do — caches,
    /// hooks that read or edit, feature visualization, scans, tuning curves. Returns the handle; the view's name is
    /// <c>source + "/" + suffix</c>. The source may itself be a view (<c>…hook_resid_post/grid</c> → <c>…/grid/sae</c>): the new view then
    /// reads through both, from the layer under them, and keeps working if the inner view's handle is disposed first.
    /// </summary>
    public HookHandle AttachView(string source, string suffix, ILayerView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (!_layers.ContainsKey(source) && !_views.ContainsKey(source))
            throw new ArgumentException(NearestNames.UnknownMessage("layer", source, [.. _layers.Keys, .. _views.Keys]), nameof(source));
        if (string.IsNullOrWhiteSpace(suffix) || !suffix.All(c => char.IsLetterOrDigit(c) || c is '_' or '-'))
            throw new ArgumentException($"A view's suffix is letters, digits, '_' or '-' (e.g. 'sae' or 'sae4x'); got '{suffix}'.", nameof(suffix));
        string name = source + "/" + suffix;
        if (_views.TryGetValue(source, out var under)) (source, view) = (under.Source, new ComposedView(under.View, view));
        if (!_views.TryAdd(name, (source, view)))
            throw new ArgumentException($"'{name}' is already attached; dispose its handle first, or choose another suffix.", nameof(suffix));
        _layerInfo.Clear();
        return new HookHandle(() =>
        {
            _views.Remove(name);
            _layerInfo.Clear();
        });
    }

    /// <summary>The names of the attached views (see <see cref="AttachView"/>), in the order attached.</summary>
    public IReadOnlyList<string> ViewNames => [.. _views.Keys];

    /// <summary>The layer a view reads, or <paramref name="layer"/> itself when it is one of the model's layers.</summary>
    public string SourceOf(string layer)
    {
        RequireLayer(layer);
        return _views.TryGetValue(layer, out var v) ? v.Source : layer;
    }

    bool IsModuleLayer(string layer) => _layers.ContainsKey(layer);

    HookHandle HookView(string name, Func<Tensor, Tensor?> hook)
    {
        var (source, view) = _views[name];
        return HookInputOutput(source, (_, output) =>
        {
            var read = view.Read(output);
            var edited = hook(read);
            return edited is null ? null : view.Write(output, read, edited);
        });
    }

    IEnumerable<LayerInfo> ViewInfos(IReadOnlyList<LayerInfo> moduleLayers)
    {
        foreach (var (name, (source, view)) in _views)
        {
            var src = moduleLayers.FirstOrDefault(l => l.Name == source);
            if (src is null) continue;
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var shape = view.Read(zeros([.. src.Shape], dtype: Dtype)).shape;
            yield return new LayerInfo(name, view.Kind, shape);
        }
    }
}
