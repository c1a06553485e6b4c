using System.Diagnostics;
using System.Reflection;
using Interp.FeatureVisualization.Objectives;
using Interp.FeatureVisualization.Transforms;
using Interp.Hooks;
using Interp.Images;
using Interp.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Rendering;

/// <summary>
/// The render loop: optimizes an image parameterization with Adam so that the model, seeing the
/// transformed image, maximizes an objective's <see cref="Objective.Total"/>. Each step runs the model
/// only up to the deepest layer the objective reads (not at all for objectives of the image alone).
/// Deterministic for a given seed and thread count.
/// </summary>
public static class Renderer
{
    /// <summary>Renders <paramref name="objective"/> on <paramref name="model"/>.</summary>
    public static RenderResult Render(HookedModel model, Objective objective, RenderOptions? options = null)
    {
        options ??= new RenderOptions();
        if (options.Steps < 1) throw new ArgumentOutOfRangeException(nameof(options), $"Steps must be at least 1; got {options.Steps}.");
        if (!double.IsFinite(options.LearningRate) || options.LearningRate <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"LearningRate must be a positive, finite number (Lucid uses 0.05; 0.005 for CPPNs); got {options.LearningRate}.");
        if (options.RedirectReluSteps < 0) throw new ArgumentOutOfRangeException(nameof(options), $"RedirectReluSteps cannot be negative; got {options.RedirectReluSteps}.");
        foreach (var t in options.Thresholds)
            if (t < 1 || t > options.Steps) throw new ArgumentOutOfRangeException(nameof(options), $"Threshold {t} is outside 1..{options.Steps}.");
        var layers = objective.ModelLayers;
        foreach (var l in layers) model.RequireLayer(l);

        var modelDtype = model.Dtype;
        var dtype = options.Precision == Precision.Auto ? modelDtype : PrecisionChoice.Resolve(options.Precision);
        if (modelDtype != dtype)
            throw new ArgumentException($"The render asks for {options.Precision} but the model's weights are {modelDtype}. Convert a copy first, e.g. ModelZoo.Load(name).To(ScalarType.{dtype}), or use Precision.Auto to render in the model's own format.");
        CpuInfo.WarnIfBFloat16Emulated(dtype);

        using var generator = new Generator().manual_seed(options.Seed);
        var device = model.Module.parameters().FirstOrDefault()?.device ?? CPU;
        using var param = options.CreateParameterization(generator, device);
        var paramDevice = param.Parameters[0].device;
        if (paramDevice.type != device.type || paramDevice.index != device.index)
            throw new ArgumentException($"The image parameters are on {paramDevice} but the model is on {device}; create the parameterization on the model's device.");
        var transforms = ModelTransforms(options, param.Height, param.Width, model.Input.Size);
        using var optimizer = optim.Adam(param.Parameters, lr: options.LearningRate);
        var thresholds = new HashSet<int>(options.Thresholds) { options.Steps };
        var snapshots = new Dictionary<int, Tensor>();
        var history = new List<double>(options.Steps);
        var watch = Stopwatch.StartNew();
        var redirect = new List<IDisposable>();
        using var frozen = model.FreezeWeights();
        try
        {
            if (options.RedirectReluSteps > 0)
                foreach (var relu in model.LayersOfType<ReLU>())
                    redirect.Add(model.HookInputOutput(relu, (input, _) => RedirectedRelu.Apply(input)));
            for (int step = 1; step <= options.Steps; step++)
            {
                options.Cancellation.ThrowIfCancellationRequested();
                if (step == options.RedirectReluSteps + 1) RemoveAll(redirect);
                using (var scope = NewDisposeScope())
                {
                    optimizer.zero_grad();
                    var image = param.Image();
                    var input = transforms.Apply(image, generator).to(dtype);
                    if (options.ChannelsLast) input = ImageTensors.ChannelsLast(input);
                    using var cache = options.StopAtDeepestLayer || layers.Count == 0
                        ? model.RunUpTo(input, layers, detach: false, checkRange: step == 1)
                        : model.RunWithCache(input, layers, detach: false, stopEarly: false);
                    var total = objective.Total(ObjectiveContext.FromCache(cache, image));
                    double value = total.item<float>();
                    if (!double.IsFinite(value))
                        throw new InvalidOperationException(
                            $"The objective '{objective.Description}' became {(double.IsNaN(value) ? "NaN" : "infinite")} at step {step} of {options.Steps}" +
                            (step > 1 ? $" (it was {history[^1]:G6} at step {step - 1})" : "") +
                            ". Likely causes: a learning rate too large for this parameterization (it is " + options.LearningRate +
                            "; Lucid uses 0.05, 0.005 for CPPNs), a weight that makes the objective overflow, or an objective that divides by zero.");
                    (-total).backward();
                    optimizer.step();
                    history.Add(value);
                }
                if (thresholds.Contains(step))
                    using (no_grad())
                    using (var scope = NewDisposeScope())
                        snapshots[step] = param.Image().detach().clone().DetachFromDisposeScope();
                options.Progress?.Report(new RenderProgress(step, options.Steps, history[^1], watch.Elapsed));
            }
        }
        catch
        {
            foreach (var s in snapshots.Values) s.Dispose();
            throw;
        }
        finally
        {
            RemoveAll(redirect);
        }
        var provenance = new RenderProvenance(objective.Description, objective.ToJson(), param.Description, transforms.Description, options.Seed,
            options.Steps, options.LearningRate, options.RedirectReluSteps, model.Name, dtype == ScalarType.BFloat16 ? nameof(Precision.BFloat16) : nameof(Precision.Float32),
            get_num_threads(), CpuInfo.Current.Identity,
            typeof(Renderer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            options.ChannelsLast ? "channels-last" : "NCHW");
        return new RenderResult(snapshots, history, provenance);
    }

    /// <summary>
    /// The transforms a render applies each step, with the resize <see cref="RenderOptions.InputResize"/>
    /// asks for, for a parameterization of <paramref name="height"/>×<paramref name="width"/> and a model
    /// whose input size is <paramref name="modelSize"/>.
    /// </summary>
    public static ITransform ModelTransforms(RenderOptions options, int height, int width, int modelSize) => options.InputResize switch
    {
        ModelInputResize.None => options.Transforms,
        ModelInputResize.BeforeTransforms => new TransformStack([new Resize(modelSize), options.Transforms]),
        // Lucent appends its upsample only when the parameterization's image is smaller than 224.
        ModelInputResize.AfterTransformsLucent => height < modelSize || width < modelSize
            ? new TransformStack([options.Transforms, new Resize(modelSize, AlignCorners: true)])
            : options.Transforms,
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.InputResize, "Valid: None, BeforeTransforms, AfterTransformsLucent."),
    };

    /// <summary>
    /// The objective's value for each of <paramref name="images"/> [N, 3, H, W] as the model sees them
    /// without random transforms: at their own size, or resized (bilinear) to <paramref name="size"/>. A fair
    /// way to compare renders. The model runs only as far as the objective needs, with gradient bookkeeping only
    /// for objectives that read a gradient (<see cref="Objective.NeedsGradients"/>).
    /// </summary>
    public static Tensor Score(HookedModel model, Objective objective, Tensor images, int? size = null)
    {
        using var scope = NewDisposeScope();
        var input = size is { } s ? new Resize(s).Apply(images, null!) : images; // Resize draws no random numbers
        // Attribution objectives read a gradient through the model: they keep the graph (weights frozen, input tracked).
        bool graph = objective.NeedsGradients;
        using var mode = graph ? enable_grad() : no_grad();
        using var frozen = graph ? model.FreezeWeights() : null;
        var x = input.to(model.Dtype);
        if (graph) x = x.detach().requires_grad_(true);
        using var cache = model.RunUpTo(x, objective.ModelLayers, detach: !graph);
        return objective.Evaluate(ObjectiveContext.FromCache(cache, images)).detach().clone().MoveToOuterDisposeScope();
    }

    static void RemoveAll(List<IDisposable> hooks)
    {
        foreach (var h in hooks) h.Dispose();
        hooks.Clear();
    }
}
