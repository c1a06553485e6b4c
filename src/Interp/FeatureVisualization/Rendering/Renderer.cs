using System.Diagnostics;
using System.Reflection;
using Interp.FeatureVisualization.Objectives;
using Interp.FeatureVisualization.Transforms;
using Interp.Hooks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Rendering;

/// <summary>
/// The render loop: optimizes an image parameterization with Adam so that the model, seeing the
/// transformed image, maximizes an objective. Deterministic for a given seed and thread count.
/// </summary>
public static class Renderer
{
    /// <summary>Renders <paramref name="objective"/> on <paramref name="model"/>.</summary>
    public static RenderResult Render(HookedModel model, Objective objective, RenderOptions? options = null)
    {
        options ??= new RenderOptions();
        if (options.Steps < 1) throw new ArgumentOutOfRangeException(nameof(options), $"Steps must be at least 1; got {options.Steps}.");
        foreach (var t in options.Thresholds)
            if (t < 1 || t > options.Steps) throw new ArgumentOutOfRangeException(nameof(options), $"Threshold {t} is outside 1..{options.Steps}.");
        var layers = objective.ModelLayers;
        foreach (var l in layers) model.RequireLayer(l);

        var dtype = options.Precision == Precision.BFloat16 ? bfloat16 : float32;
        var modelDtype = model.Dtype;
        if (modelDtype != dtype)
            throw new ArgumentException($"The render asks for {options.Precision} but the model's weights are {modelDtype}. Convert a copy first, e.g. ModelZoo.Load(name).To(ScalarType.{(dtype == bfloat16 ? "BFloat16" : "Float32")}).");

        using var generator = new Generator().manual_seed(options.Seed);
        var device = model.Module.parameters().FirstOrDefault()?.device ?? CPU;
        using var param = options.CreateParameterization(generator, device);
        var paramDevice = param.Parameters[0].device;
        if (paramDevice.type != device.type || paramDevice.index != device.index)
            throw new ArgumentException($"The image parameters are on {paramDevice} but the model is on {device}; create the parameterization on the model's device.");
        var transforms = options.ResizeToModelInput && options.Transforms is not Resize
            ? new TransformStack([options.Transforms, new Resize(model.Input.Size)])
            : options.Transforms;
        using var optimizer = optim.Adam(param.Parameters, lr: options.LearningRate);
        var thresholds = new HashSet<int>(options.Thresholds) { options.Steps };
        var snapshots = new Dictionary<int, Tensor>();
        var history = new List<double>(options.Steps);
        var watch = Stopwatch.StartNew();
        var relus = model.Module.named_modules().Select(m => m.module).OfType<ReLU>().ToList();
        var redirect = new List<IDisposable>();
        using var frozen = model.FreezeWeights();
        try
        {
            if (options.RedirectReluSteps > 0)
                foreach (var relu in relus)
                {
                    var remover = relu.register_forward_hook((_, input, _) => RedirectedRelu.Apply(input));
                    redirect.Add(new HookHandle(remover.remove));
                }
            for (int step = 1; step <= options.Steps; step++)
            {
                options.Cancellation.ThrowIfCancellationRequested();
                if (step == options.RedirectReluSteps + 1) RemoveAll(redirect);
                using (var scope = NewDisposeScope())
                {
                    optimizer.zero_grad();
                    var image = param.Image();
                    var input = transforms.Apply(image, generator).to(dtype);
                    using var cache = model.RunWithCache(input, layers, detach: false);
                    var total = objective.Total(ObjectiveContext.FromCache(cache, image));
                    (-total).backward();
                    optimizer.step();
                    history.Add(total.item<float>());
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
            options.Steps, options.LearningRate, options.RedirectReluSteps, model.Name, options.Precision.ToString(), get_num_threads(),
            typeof(Renderer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
        return new RenderResult(snapshots, history, provenance);
    }

    /// <summary>
    /// The objective's value for each of <paramref name="images"/> [N, 3, H, W] as the model sees them
    /// without random transforms (resized to the model's input size): a fair way to compare renders.
    /// </summary>
    public static Tensor Score(HookedModel model, Objective objective, Tensor images)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = new Resize(model.Input.Size).Apply(images, null!); // Resize draws no random numbers
        using var cache = model.RunWithCache(input.to(model.Dtype), objective.ModelLayers);
        return objective.Evaluate(ObjectiveContext.FromCache(cache, images)).detach().clone().MoveToOuterDisposeScope();
    }

    static void RemoveAll(List<IDisposable> hooks)
    {
        foreach (var h in hooks) h.Dispose();
        hooks.Clear();
    }
}
