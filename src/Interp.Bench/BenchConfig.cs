using System.Diagnostics;
using Interp.FeatureVisualization.Objectives;
using Interp.FeatureVisualization.Rendering;
using Interp.Models.Zoo;
using static TorchSharp.torch;

namespace Interp.Bench;

/// <summary>One benchmark line.</summary>
public sealed record BenchResult(string Model, int Size, int InputSize, int Batch, int Threads, string Dtype, double StepsPerS, double StepMs, double FwdBwdMs, double StepOverFwdBwd, double PeakMb, double ObjectiveAfterSteps);

/// <summary>Measures a render step against a bare forward+backward pass of the model at the same size.</summary>
public static class BenchConfig
{
    public static BenchResult Run(int batch, int threads, string dtype, int steps)
    {
        set_num_threads(threads);
        var precision = dtype switch { "float32" => Precision.Float32, "bfloat16" => Precision.BFloat16, _ => throw new ArgumentException($"Unknown dtype '{dtype}'; use float32 or bfloat16.") };
        using var model = ModelZoo.Load("resnet18");
        if (precision == Precision.BFloat16) model.To(ScalarType.BFloat16);
        int inputSize = model.Input.Size;

        // Render steps: 128 px Fourier image, Lucid's transforms, upsampled to 224, one channel objective.
        const int warmup = 2;
        var stamps = new List<double>();
        var clock = Stopwatch.StartNew();
        // Steady state: skip the first steps, which also redirect ReLU gradients (Lucid's first 16 steps).
        var options = new RenderOptions { Size = 128, Batch = batch, Precision = precision, Seed = 0, Progress = new Stamp(stamps, clock) };
        int skip = options.RedirectReluSteps + warmup;
        using var result = Renderer.Render(model, Objectives.Channel("layer3:42"), options with { Steps = skip + steps });
        var stepTimes = stamps.Zip(stamps.Skip(1), (a, b) => b - a).Skip(skip - 1).ToList();
        // A bare forward + backward to the input at the model's input size (weights frozen, as in a
        // render), measured after the render so that both run warm.
        var times = new List<double>();
        using var frozen = model.FreezeWeights();
        const int bareWarmup = 8;
        for (int i = 0; i < bareWarmup + steps; i++)
        {
            using var scope = NewDisposeScope();
            var x = rand([batch, 3, inputSize, inputSize]).to(precision == Precision.BFloat16 ? bfloat16 : float32).requires_grad_();
            var sw = Stopwatch.StartNew();
            using var cache = model.RunWithCache(x, ["layer3"], detach: false);
            cache["layer3"][.., 42].to(float32).mean().backward();
            sw.Stop();
            if (i >= bareWarmup) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        double fwdBwd = Median(times);

        double step = Median(stepTimes);
        return new BenchResult("resnet18", 128, inputSize, batch, threads, dtype, Math.Round(1000 / step, 3), Math.Round(step, 2), Math.Round(fwdBwd, 2),
            Math.Round(step / fwdBwd, 3), Math.Round(PeakMb(), 1), Math.Round(result.History[^1], 4));
    }

    static double Median(List<double> v) { v.Sort(); return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2; }

    static double PeakMb()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    sealed class Stamp(List<double> stamps, Stopwatch clock) : IProgress<RenderProgress>
    {
        public void Report(RenderProgress value) => stamps.Add(clock.Elapsed.TotalMilliseconds);
    }
}
