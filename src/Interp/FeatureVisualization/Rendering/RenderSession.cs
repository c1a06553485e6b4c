using System.Diagnostics;
using System.Reflection;
using Interp.FeatureVisualization.Objectives;
using Interp.FeatureVisualization.Parameterizations;
using Interp.FeatureVisualization.Transforms;
using Interp.Hooks;
using Interp.Images;
using Interp.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Rendering;

/// <summary>
/// A render one step at a time, as Lucid's <c>make_vis_T</c>: the parameterization, the transforms and Adam built from a
/// <see cref="RenderSpec"/>, the model's weights frozen and (for the first <see cref="RenderSpec.RedirectReluSteps"/> steps)
/// its ReLUs redirected. Call <see cref="Step"/> up to <see cref="RenderSpec.Steps"/> times and read <see cref="Image"/>
/// whenever you like; <see cref="Renderer.Render"/> is this loop. Dispose it: that removes every hook and unfreezes the
/// weights, also after a step has thrown.
/// </summary>
public sealed class RenderSession : IDisposable
{
    readonly Generator _generator;
    readonly ImageParameterization? _parameterization;
    readonly Adam? _optimizer;
    readonly IDisposable? _frozen;
    readonly List<IDisposable> _redirect = [];
    readonly List<double> _history = [];
    readonly IReadOnlyList<string> _layers;
    readonly ScalarType _dtype;
    readonly bool _stopAtDeepestLayer;
    readonly Stopwatch _watch = new();
    bool _disposed;

    /// <summary>Builds the render of <paramref name="objective"/> on <paramref name="model"/> as <paramref name="spec"/> says.</summary>
    /// <param name="stopAtDeepestLayer">Run the model only as far as the objective reads (the same result; false is for benchmarks).</param>
    public RenderSession(HookedModel model, Objective objective, RenderSpec? spec = null, bool stopAtDeepestLayer = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(objective);
        Spec = (spec ?? new RenderSpec()).Validate();
        Model = model;
        Objective = objective;
        _stopAtDeepestLayer = stopAtDeepestLayer;
        _layers = objective.ModelLayers;
        foreach (var l in _layers) model.RequireLayer(l);

        var modelDtype = model.Dtype;
        _dtype = Spec.Precision == Precision.Auto ? modelDtype : PrecisionChoice.Resolve(Spec.Precision);
        if (modelDtype != _dtype)
            throw new ArgumentException($"The render asks for {Spec.Precision} but the model's weights are {modelDtype}. Convert a copy first, e.g. " +
                $"ModelZoo.Load(name).To(ScalarType.{_dtype}), or use Precision.Auto to render in the model's own format.");
        CpuInfo.WarnIfBFloat16Emulated(_dtype);

        _generator = new Generator().manual_seed(Spec.Seed);
        try
        {
            var device = model.Module.parameters().FirstOrDefault()?.device ?? CPU;
            _parameterization = Spec.Parameterization.Create(Spec.Batch, Spec.Size, Spec.Size, _generator, device);
            var made = _parameterization.Parameters[0].device;
            if (made.type != device.type || made.index != device.index)
                throw new ArgumentException($"The parameterization '{Spec.Parameterization}' made its parameters on {made} but the model is on {device}; create them on the " +
                    "device it is given.");
            Transforms = Renderer.ModelTransforms(Spec, _parameterization.Height, _parameterization.Width, model.Input.Size);
            _optimizer = optim.Adam(_parameterization.Parameters, lr: Spec.LearningRate);
            _frozen = model.FreezeWeights();
            if (Spec.RedirectReluSteps > 0)
                foreach (var relu in model.LayersOfType<ReLU>())
                    _redirect.Add(model.HookInputOutput(relu, (input, _) => RedirectedRelu.Apply(input)));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The model rendered on.</summary>
    public HookedModel Model { get; }
    /// <summary>What is maximized.</summary>
    public Objective Objective { get; }
    /// <summary>How the image is made.</summary>
    public RenderSpec Spec { get; }
    /// <summary>The transforms applied each step, with the resize <see cref="RenderSpec.InputResize"/> asks for.</summary>
    public ITransform Transforms { get; }
    /// <summary>The parameterization being optimized.</summary>
    public ImageParameterization Parameterization => _parameterization ?? throw new ObjectDisposedException(nameof(RenderSession));
    /// <summary>Steps taken so far.</summary>
    public int StepsTaken => _history.Count;
    /// <summary>The objective's total at every step taken.</summary>
    public IReadOnlyList<double> History => _history;
    /// <summary>Time spent in <see cref="Step"/> so far.</summary>
    public TimeSpan Elapsed => _watch.Elapsed;
    /// <summary>Told when each phase of a step ends (for benchmarks and profiles); null by default.</summary>
    public IRenderStepObserver? Observer { get; set; }

    /// <summary>Takes one optimization step and returns the objective's total before it (the value <see cref="History"/> records).</summary>
    public double Step(CancellationToken cancellation = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (StepsTaken >= Spec.Steps)
            throw new InvalidOperationException($"The session has taken all {Spec.Steps} steps of its spec; make a session with a larger RenderSpec.Steps to go on.");
        cancellation.ThrowIfCancellationRequested();
        int step = StepsTaken + 1;
        if (step == Spec.RedirectReluSteps + 1) RemoveRedirection();
        _watch.Start();
        try
        {
            Observer?.StepStarting(step);
            double value;
            using (var scope = NewDisposeScope())
            {
                _optimizer!.zero_grad();
                var image = _parameterization!.Image();
                Observer?.PhaseEnded(RenderPhase.Image);
                var input = Transforms.Apply(image, _generator).to(_dtype);
                if (Spec.ChannelsLast) input = ImageTensors.ChannelsLast(input);
                Observer?.PhaseEnded(RenderPhase.Transforms);
                using var cache = _stopAtDeepestLayer || _layers.Count == 0
                    ? Model.RunUpTo(input, _layers, detach: false, checkRange: step == 1)
                    : Model.RunWithCache(input, _layers, detach: false, stopEarly: false);
                Observer?.PhaseEnded(RenderPhase.Forward);
                var total = Objective.Total(ObjectiveContext.FromCache(cache, image));
                value = total.item<float>();
                Observer?.PhaseEnded(RenderPhase.Objective);
                if (!double.IsFinite(value))
                    throw new InvalidOperationException(
                        $"The objective '{Objective.Description}' became {(double.IsNaN(value) ? "NaN" : "infinite")} at step {step} of {Spec.Steps}" +
                        (step > 1 ? $" (it was {_history[^1]:G6} at step {step - 1})" : "") +
                        ". Likely causes: a learning rate too large for this parameterization (it is " + Spec.LearningRate +
                        "; Lucid uses 0.05, 0.005 for CPPNs), a weight that makes the objective overflow, or an objective that divides by zero.");
                (-total).backward();
                Observer?.PhaseEnded(RenderPhase.Backward);
                _optimizer.step();
                Observer?.PhaseEnded(RenderPhase.Optimizer);
            }
            Observer?.PhaseEnded(RenderPhase.Release);
            _history.Add(value);
            return value;
        }
        finally
        {
            _watch.Stop();
        }
    }

    /// <summary>The current image batch [N, 3, H, W] in [0, 1]: a copy, yours to dispose.</summary>
    public Tensor Image()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var mode = no_grad();
        using var scope = NewDisposeScope();
        return _parameterization!.Image().detach().clone().MoveToOuterDisposeScope();
    }

    /// <summary>How the images were made so far (the spec, what it built, the model, the number format, the threads and the CPU).</summary>
    public RenderProvenance Provenance() => new(Objective.Description, Objective.ToJson(), Spec, Parameterization.Description, Transforms.Description,
        Model.Name, _dtype == ScalarType.BFloat16 ? nameof(Precision.BFloat16) : nameof(Precision.Float32), get_num_threads(), CpuInfo.Current.Identity,
        typeof(RenderSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");

    void RemoveRedirection()
    {
        foreach (var h in _redirect) h.Dispose();
        _redirect.Clear();
    }

    /// <summary>Removes the hooks, unfreezes the weights and frees the parameters, the optimizer and the generator.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        RemoveRedirection();
        _frozen?.Dispose();
        _optimizer?.Dispose();
        _parameterization?.Dispose();
        _generator.Dispose();
    }
}
