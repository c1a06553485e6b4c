using Interp.Runtime;
using Interp.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Interp.Hooks;

/// <summary>
/// A TorchSharp image model with named, hookable layers, in the spirit of TransformerLens: every
/// submodule has a stable dotted name; <see cref="RunWithCache(Tensor, IEnumerable{string}, bool, bool)"/>
/// records activations; <see cref="Hook"/> reads or edits them in a scope that always ends, even when
/// the forward pass throws. Works with any <c>Module&lt;Tensor, Tensor&gt;</c> whose forward calls its
/// submodules through <c>call()</c> (TorchSharp only fires hooks there).
/// </summary>
public partial class HookedModel : IDisposable
{
    readonly Dictionary<string, nn.Module<Tensor, Tensor>> _layers = new(StringComparer.Ordinal);
    readonly Dictionary<long, IReadOnlyList<LayerInfo>> _layerInfo = [];
    int _activeHooks;

    /// <summary>Wraps a module. <paramref name="name"/> identifies the model, e.g. in provenance records.</summary>
    public HookedModel(string name, nn.Module<Tensor, Tensor> module, InputConvention input)
    {
        TorchRuntime.EnsureLoaded();
        Name = name;
        Module = module;
        Input = input;
        foreach (var (n, m) in module.named_modules())
            if (n.Length > 0 && m is nn.Module<Tensor, Tensor> typed)
                _layers[n] = typed;
        module.eval();
    }

    /// <summary>The model's name (a zoo name for zoo models).</summary>
    public string Name { get; }
    /// <summary>The underlying TorchSharp module.</summary>
    public nn.Module<Tensor, Tensor> Module { get; }
    /// <summary>What the model expects as input.</summary>
    public InputConvention Input { get; }
    /// <summary>Hooks registered and not yet removed (0 outside any hook scope).</summary>
    public int ActiveHookCount => _activeHooks;

    /// <summary>Every hookable layer name, in module order.</summary>
    public IReadOnlyList<string> LayerNames => [.. _layers.Keys];

    /// <summary>Whether <paramref name="layer"/> names a hookable layer or an attached view.</summary>
    public bool HasLayer(string layer) => _layers.ContainsKey(layer) || _views.ContainsKey(layer);

    /// <summary>Throws a clear error (listing the nearest valid names) when <paramref name="layer"/> is unknown.</summary>
    public void RequireLayer(string layer)
    {
        if (!HasLayer(layer))
            throw new ArgumentException(NearestNames.UnknownMessage("layer", layer, [.. _layers.Keys, .. _views.Keys]), nameof(layer));
    }

    /// <summary>Runs the model (no gradient bookkeeping unless the caller enables it).</summary>
    public Tensor Forward(Tensor image) => Forward(image, checkRange: true);

    Tensor Forward(Tensor image, bool checkRange)
    {
        Input.Validate(image, checkRange);
        return Module.call(image);
    }

    /// <summary>
    /// Every hookable layer with its module type and output shape for a batch of one
    /// <paramref name="size"/>×<paramref name="size"/> image (default: the model's input size), then the attached views.
    /// </summary>
    public IReadOnlyList<LayerInfo> Layers(int? size = null)
    {
        long s = size ?? Input.Size;
        if (_layerInfo.TryGetValue(s, out var known)) return known;
        var shapes = new Dictionary<string, long[]>();
        var handles = _layers.Keys.Select(n => Hook(n, t => { shapes[n] = t.shape; return null; })).ToList();
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            Forward(zeros([1, 3, s, s], dtype: Dtype));
        }
        finally { foreach (var h in handles) h.Dispose(); }
        var result = _layers.Where(kv => shapes.ContainsKey(kv.Key))
            .Select(kv => new LayerInfo(kv.Key, kv.Value.GetType().Name, shapes[kv.Key])).ToList();
        result.AddRange(ViewInfos(result).ToList());
        _layerInfo[s] = result;
        return result;
    }

    /// <summary>The layer's info at the default input size; an unknown name lists the nearest valid names.</summary>
    public LayerInfo Layer(string layer, int? size = null)
    {
        RequireLayer(layer);
        return Layers(size).FirstOrDefault(l => l.Name == layer)
            ?? throw new InvalidOperationException($"Layer '{layer}' exists but did not run in a forward pass, so it has no activation.");
    }

    /// <summary>
    /// Registers a forward hook on <paramref name="layer"/>. <paramref name="hook"/> sees the output;
    /// returning a tensor replaces it (edit), returning null leaves it (read). Dispose the handle to remove it.
    /// </summary>
    public HookHandle Hook(string layer, Func<Tensor, Tensor?> hook)
    {
        RequireLayer(layer);
        return IsModuleLayer(layer) ? HookInputOutput(layer, (_, output) => hook(output)) : HookView(layer, hook);
    }

    /// <summary>
    /// Registers a forward hook that sees the layer's input and output (for the renderer's ReLU gradient
    /// redirection); counted in <see cref="ActiveHookCount"/> like every other hook.
    /// </summary>
    internal HookHandle HookInputOutput(string layer, Func<Tensor, Tensor, Tensor?> hook)
    {
        if (!IsModuleLayer(layer))
            throw new ArgumentException(NearestNames.UnknownMessage("module layer", layer, [.. _layers.Keys]), nameof(layer));
        var remover = _layers[layer].register_forward_hook((_, input, output) => hook(input, output)!);
        Interlocked.Increment(ref _activeHooks);
        return new HookHandle(() =>
        {
            remover.remove();
            Interlocked.Decrement(ref _activeHooks);
        });
    }

    /// <summary>
    /// Registers <paramref name="hook"/> on every layer whose name passes <paramref name="filter"/>; the hook receives the
    /// layer's name and output, and returns a replacement or null, as in <see cref="Hook"/>. One handle removes them all.
    /// </summary>
    public HookHandle HookAll(Func<string, bool> filter, Func<string, Tensor, Tensor?> hook)
    {
        return Combine(MatchingLayers(filter).Select(n => Hook(n, t => hook(n, t))).ToList());
    }

    /// <summary>
    /// Runs the model once with several hooks (reads or edits, as in <see cref="Hook"/>) and returns its output; every
    /// hook is removed when the call returns, also when the forward pass throws.
    /// </summary>
    public Tensor RunWithHooks(Tensor image, params (string Layer, Func<Tensor, Tensor?> Hook)[] hooks)
    {
        foreach (var (layer, _) in hooks) RequireLayer(layer);
        var handles = new List<HookHandle>();
        try
        {
            foreach (var (layer, hook) in hooks) handles.Add(Hook(layer, hook));
            return Forward(image);
        }
        finally
        {
            foreach (var h in handles) h.Dispose();
        }
    }

    /// <summary>The layers whose names pass <paramref name="filter"/>, in module order; an error lists the layers when none does.</summary>
    List<string> MatchingLayers(Func<string, bool> filter)
    {
        var names = LayerNames.Where(filter).ToList();
        if (names.Count == 0)
            throw new ArgumentException($"No layer of '{Name}' matches the filter; its layers are {string.Join(", ", LayerNames.Take(12))}{(LayerNames.Count > 12 ? ", …" : "")}.",
                nameof(filter));
        return names;
    }

    /// <summary>One handle that removes several hooks (each at most once).</summary>
    public static HookHandle Combine(IReadOnlyList<HookHandle> handles) => new(() =>
    {
        List<Exception>? errors = null;
        foreach (var h in handles)
            try { h.Dispose(); }
            catch (Exception e) { (errors ??= []).Add(e); }
        if (errors is not null) throw new AggregateException("Some hooks could not be removed.", errors);
    });

    /// <summary>The names of the layers whose module is of type <typeparamref name="TModule"/>, in module order.</summary>
    public IReadOnlyList<string> LayersOfType<TModule>() => [.. _layers.Where(kv => kv.Value is TModule).Select(kv => kv.Key)];

    /// <summary>
    /// Runs the model once and returns the activations of <paramref name="layers"/> (all layers when
    /// empty). With <paramref name="detach"/> false the activations stay in the autograd graph, as
    /// feature visualization needs. With <paramref name="stopEarly"/> the forward pass stops as soon as
    /// every requested activation is recorded, so later layers and the head do not run (the cache then
    /// has no <see cref="ActivationCache.Output"/>); the activations are the same, bit for bit. The
    /// cache owns the tensors.
    /// </summary>
    public ActivationCache RunWithCache(Tensor image, IEnumerable<string> layers, bool detach = true, bool stopEarly = false)
    {
        var names = layers.Distinct().ToList();
        if (names.Count == 0) names = [.. _layers.Keys];
        foreach (var n in names) RequireLayer(n);
        return Run(image, names, detach, stopEarly, checkRange: true);
    }

    /// <summary>
    /// Runs the model once and caches every layer whose name passes <paramref name="filter"/>, e.g.
    /// <c>name =&gt; name.StartsWith("layer2")</c>; an error lists the layers when none passes.
    /// </summary>
    public ActivationCache RunWithCache(Tensor image, Func<string, bool> filter, bool detach = true, bool stopEarly = false)
    {
        return Run(image, MatchingLayers(filter), detach, stopEarly, checkRange: true);
    }

    /// <summary>
    /// Like <see cref="RunWithCache(Tensor, IEnumerable{string}, bool, bool)"/>, but an empty
    /// <paramref name="layers"/> means none: the model does not run at all (objectives that read only
    /// the image). Always stops after the last requested layer.
    /// </summary>
    internal ActivationCache RunUpTo(Tensor image, IReadOnlyCollection<string> layers, bool detach, bool checkRange = true)
    {
        if (layers.Count == 0)
        {
            Input.Validate(image, checkRange);
            return new ActivationCache([], output: null, stoppedAfter: "input");
        }
        foreach (var n in layers) RequireLayer(n);
        return Run(image, [.. layers.Distinct()], detach, stopEarly: true, checkRange);
    }

    ActivationCache Run(Tensor image, List<string> names, bool detach, bool stopEarly, bool checkRange)
    {
        var acts = new Dictionary<string, Tensor>();
        var handles = new List<HookHandle>();
        string? last = null;
        try
        {
            foreach (var n in names)
                handles.Add(Hook(n, t =>
                {
                    // A module may run more than once per forward (not in zoo models): keep the last call,
                    // or, when stopping early, the first call that completes the set.
                    if (acts.Remove(n, out var old)) old.Dispose();
                    // A view's activation is computed beside the forward pass, so nothing downstream depends on it. When the cache keeps
                    // the graph (attribution objectives take gradients with respect to it), route the pass through a copy of it: the view
                    // writes the unchanged copy back (the same values), and the copy is then what the rest of the model is computed from.
                    bool route = !detach && !IsModuleLayer(n) && t.requires_grad && is_grad_enabled();
                    var kept = route ? t.clone() : t;
                    // Owned by the cache, not by whichever dispose scope the module's forward opened.
                    acts[n] = (detach ? kept.detach() : kept.alias()).DetachFromDisposeScope();
                    if (stopEarly && acts.Count == names.Count)
                    {
                        last = n;
                        throw new StopForwardException();
                    }
                    return route ? kept : null;
                }));
            Tensor? output = null;
            using (var scope = NewDisposeScope())
            {
                try
                {
                    output = Forward(image, checkRange).MoveToOuterDisposeScope();
                }
                catch (StopForwardException) { }
            }
            if (output is null)
                return new ActivationCache(acts, output: null, stoppedAfter: last);
            return new ActivationCache(acts, detach ? output.detach() : output, stoppedAfter: null);
        }
        catch
        {
            foreach (var t in acts.Values) t.Dispose();
            throw;
        }
        finally
        {
            foreach (var h in handles) h.Dispose();
        }
    }

    /// <summary>Thrown by a caching hook to end a forward pass once every requested activation is recorded (as captum.optim does).</summary>
    sealed class StopForwardException() : Exception("The forward pass was stopped after the last requested layer.");

    /// <summary>Runs the model once and returns the activations of the named layers.</summary>
    public ActivationCache RunWithCache(Tensor image, params string[] layers) => RunWithCache(image, layers, detach: true);

    /// <summary>
    /// Stops the model's weights from requiring gradients until the returned scope ends, so that a
    /// backward pass computes only the gradient with respect to the input (as feature visualization
    /// needs) and no weight gradients accumulate.
    /// </summary>
    public IDisposable FreezeWeights()
    {
        var changed = Module.parameters().Where(p => p.requires_grad).ToList();
        foreach (var p in changed) p.requires_grad = false;
        return new Restore(() => { foreach (var p in changed) p.requires_grad = true; });
    }

    sealed class Restore(Action restore) : IDisposable
    {
        bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            restore();
        }
    }

    /// <summary>The dtype of the model's weights.</summary>
    public ScalarType Dtype => Module.parameters().FirstOrDefault()?.dtype ?? ScalarType.Float32;

    /// <summary>
    /// Converts the model's weights and buffers to <paramref name="dtype"/> in place and returns it. bfloat16
    /// is faster only on CPUs that compute it natively; elsewhere this warns once (see <see cref="CpuInfo"/>).
    /// </summary>
    public HookedModel To(ScalarType dtype)
    {
        CpuInfo.WarnIfBFloat16Emulated(dtype);
        Module.to(dtype);
        _layerInfo.Clear();
        return this;
    }

    /// <summary>Disposes the underlying module.</summary>
    public void Dispose()
    {
        Module.Dispose();
        GC.SuppressFinalize(this);
    }
}
