using System.Diagnostics;
using Interp.FeatureVisualization.Objectives;
using Interp.FeatureVisualization.Rendering;
using Interp.Zoo;
using Interp.Runtime;
using TorchSharp;
using Interp.Models;
using static TorchSharp.torch;

namespace Interp.Cli.Bench;

/// <summary>One benchmark line. Timings compare only within one run on one CPU, which every line names.</summary>
public sealed record BenchResult(string Cpu, bool NativeBf16, string Allocator, string Model, string Objective, string InputResize, int Size, int Batch, int Threads, string Dtype,
    double StepMs, double StepsPerS, int FwdBwdInput, double FwdBwdMs, double StepOverFwdBwd, double? FullForwardStepMs, double? FullOverEarlyStop,
    double? ChannelsLastStepMs, double? NchwOverChannelsLast, double PeakMb, double ObjectiveAfterSteps);

/// <summary>Measures a render step against a bare forward+backward pass of the model to the same layer.</summary>
public static class Benchmarks
{
    /// <summary>The 128 px Fourier render of one channel of <paramref name="layer"/> with Lucid's transforms.</summary>
    public static BenchResult Run(string layer, int batch, int threads, string dtype, int steps, ModelInputResize resize, bool compare)
    {
        set_num_threads(threads);
        var precision = ParsePrecision(dtype);
        using var model = ModelZoo.Load("resnet18");
        if (precision == Precision.BFloat16) model.To(ScalarType.BFloat16);
        var objective = Objectives.Channel($"{layer}:42");
        var spec = new RenderSpec { Size = 128, Batch = batch, Precision = precision, Seed = 0, InputResize = resize };

        // A bare forward + backward to the input, stopped at the same layer, at the size the model sees in the middle of the
        // transforms' range (no resize: 128 + 2·12 − 8, scale 1, − 4 = 140). It runs between render steps, one after each,
        // so that both see the same state of the host (its load, its caches); its time is left out of the step's.
        int fwdSize = resize == ModelInputResize.None ? 140 : model.Input.Size;
        void Bare() => BareForwardBackwardMs(model, layer, batch, fwdSize, dtype: precision == Precision.BFloat16 ? bfloat16 : float32);
        var (step, history, times) = StepMs(model, objective, spec, steps, Bare);
        double? full = compare ? StepMs(model, objective, spec, steps, stopAtDeepestLayer: false).Ms : null;
        double? channelsLast = compare ? StepMs(model, objective, spec with { ChannelsLast = true }, steps).Ms : null;
        double fwdBwd = Median(times);
        var cpu = CpuInfo.Current;
        return new BenchResult(cpu.Identity, cpu.NativeBFloat16, NativeAllocator.Current.Kind.ToString(), "resnet18", objective.Description, resize.ToString(), 128, batch,
            threads, dtype,
            Math.Round(step, 2), Math.Round(1000 / step, 3), fwdSize, Math.Round(fwdBwd, 2), Math.Round(step / fwdBwd, 3),
            full is { } f ? Math.Round(f, 2) : null, full is { } g ? Math.Round(g / step, 3) : null,
            channelsLast is { } c ? Math.Round(c, 2) : null, channelsLast is { } d ? Math.Round(step / d, 3) : null, Math.Round(PeakMb(), 1), Math.Round(history, 4));
    }

    /// <summary>
    /// Where a render step's time and memory go: a <see cref="RenderSession"/>'s phases timed one by one (median over
    /// <paramref name="steps"/> steps after the redirected steps and a warm-up), with the process's peak resident memory
    /// within each phase (the kernel's high-water mark, reset at every phase boundary) and the peak over the whole run,
    /// next to a bare forward + backward to the same layer at the size the model sees in the middle of the transforms' range.
    /// </summary>
    public static object Profile(string layer, int batch, int threads, int steps, ModelInputResize resize, bool channelsLast = false)
    {
        set_num_threads(threads);
        using var model = ModelZoo.Load("resnet18");
        double loadPeak = PeakMb(), loaded = RssMb(), loadedInUse = (NativeAllocator.InUseBytes() ?? 0) / 1048576.0;
        PhaseObserver.ResetPeak();
        var objective = Objectives.Channel($"{layer}:42");
        var spec = new RenderSpec { Size = 128, Batch = batch, Seed = 0, InputResize = resize, ChannelsLast = channelsLast };
        int skip = UnmeasuredSteps(spec);
        using var session = new RenderSession(model, objective, spec with { Steps = skip + steps });
        using var observer = new PhaseObserver(skip);
        session.Observer = observer;
        int side = resize == ModelInputResize.None ? 140 : model.Input.Size;
        var bare = new List<double>();
        for (int i = 0; i < skip + steps; i++)
        {
            session.Step();
            double ms = BareForwardBackwardMs(model, layer, batch, side, channelsLast);
            if (i >= skip) bare.Add(ms);
        }
        var phases = Enum.GetValues<RenderPhase>().Select(p => p.ToString().ToLowerInvariant()).ToArray();
        var times = Enum.GetValues<RenderPhase>().ToDictionary(p => p.ToString().ToLowerInvariant(), p => observer.Times[p]);
        var medians = phases.ToDictionary(p => p, p => Math.Round(Median(times[p]), 2));
        // Each piece of the image path alone, forward and backward, on this batch.
        var pieces = new Dictionary<string, double>();
        void Piece(string name, Func<Tensor, Tensor> f, Tensor start)
        {
            var t = new List<double>();
            for (int i = 0; i < steps + 3; i++)
            {
                using var scope = NewDisposeScope();
                var x = start.detach().clone().requires_grad_();
                var sw = Stopwatch.StartNew();
                f(x).sum().backward();
                if (i >= 3) t.Add(sw.Elapsed.TotalMilliseconds);
            }
            pieces[name] = Math.Round(Median(t), 3);
        }
        using (var start = rand([batch, 3, 128, 128]))
        using (var padded = rand([batch, 3, 144, 144]))
        using (var spectrum = randn([batch, 3, 128, 65, 2]) * 0.01)
        {
            using var scale = Interp.FeatureVisualization.Parameterizations.FourierImage.Scale(128, 128, 1);
            Piece("fourier irfft2", s => fft.irfft2(view_as_complex(s) * scale, s: [128, 128]), spectrum);
            Piece("decorrelate+sigmoid", x => Interp.FeatureVisualization.Parameterizations.ColorDecorrelation.ToValidRgb(x, true), start);
            foreach (var t in Interp.FeatureVisualization.Transforms.TransformStack.Standard.Transforms)
            {
                using var g = new Generator().manual_seed(1);
                Piece(t.Description, x => t.Apply(x, g), t is Interp.FeatureVisualization.Transforms.Pad ? start : padded);
            }
        }
        return new
        {
            cpu = CpuInfo.Current.Identity, layer, batch, threads, input_resize = resize.ToString(), channels_last = channelsLast, phases_ms = medians,
                image_path_fwd_bwd_ms = pieces,
            load_peak_mb = Math.Round(loadPeak, 1), loaded_rss_mb = Math.Round(loaded, 1), loaded_in_use_mb = Math.Round(loadedInUse, 1),
            phases_in_use_peak_mb = Enum.GetValues<RenderPhase>().ToDictionary(p => p.ToString().ToLowerInvariant(), p => Math.Round(observer.InUseMb[p], 1)),
            phases_peak_mb = Enum.GetValues<RenderPhase>().ToDictionary(p => p.ToString().ToLowerInvariant(), p => Math.Round(observer.PeakMb[p], 1)),
            resident_by_mapping_mb = ResidentByMapping(),
            step_ms = Math.Round(medians.Values.Sum(), 2), bare_fwd_side = side, bare_fwd_bwd_ms = Math.Round(Median(bare), 2), peak_mb = Math.Round(PeakMb(), 1),
        };
    }

    /// <summary>
    /// CLIP's image tower: images per second of <c>EncodeImage</c> at 224 px (median of <paramref name="steps"/>
    /// after two warm-up passes) for the fixture-sized model (width 16) and an RN50-sized one (width 64), with
    /// random weights (the speed does not depend on them).
    /// </summary>
    public static IEnumerable<object> Clip(int threads, int steps, IReadOnlyList<int> batches, IReadOnlyList<string> dtypes)
    {
        set_num_threads(threads);
        var shapes = new (string Name, Interp.Models.Clip.ClipConfig Config)[]
        {
            ("fixture-sized (width 16)", new(64, 224, [3, 4, 6, 3], 16, 77, 49408, 64, 1, 2)),
            ("RN50-sized (width 64)", new(1024, 224, [3, 4, 6, 3], 64, 77, 49408, 512, 8, 12)),
        };
        foreach (var dtype in dtypes)
        {
            var scalar = dtype == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32;
            // The bare reference: a torchvision ResNet-50 forward at the same size.
            using (var resnet = new TorchvisionResNet50())
            {
                if (scalar == ScalarType.BFloat16) resnet.to(scalar);
                foreach (var row in TimeForward("torchvision ResNet-50 (bare forward)", resnet.call, scalar, dtype, batches, threads, steps)) yield return row;
            }
            foreach (var (name, config) in shapes)
            {
                using var model = new Interp.Models.Clip.ClipModel(config);
                if (scalar == ScalarType.BFloat16) model.to(scalar);
                foreach (var row in TimeForward(name, model.EncodeNormalizedImage, scalar, dtype, batches, threads, steps)) yield return row;
            }
        }
    }

    static IEnumerable<object> TimeForward(string name, Func<Tensor, Tensor> forward, ScalarType scalar, string dtype, IReadOnlyList<int> batches, int threads, int steps)
    {
        foreach (var batch in batches)
        {
            var times = new List<double>();
            using (no_grad())
            using (var x = randn([batch, 3, 224, 224]).to(scalar))
                for (int i = 0; i < steps + 2; i++)
                {
                    var sw = Stopwatch.StartNew();
                    using (forward(x)) { }
                    if (i >= 2) times.Add(sw.Elapsed.TotalMilliseconds);
                }
            double ms = Median(times);
            yield return new { cpu = CpuInfo.Current.Identity, native_bf16 = CpuInfo.Current.NativeBFloat16, model = name, dtype, batch, threads,
                ms_per_batch = Math.Round(ms, 2), images_per_s = Math.Round(1000 * batch / ms, 2) };
        }
    }

    /// <summary>
    /// The curve search on ResNet-18 (a measurement, not a benchmark): how many channels of <paramref name="layer"/> pass
    /// the default criteria and each criterion alone, with the six sample photos as natural images, and the passing channels.
    /// </summary>
    public static object Curves(string layer, int threads)
    {
        set_num_threads(threads);
        using var model = ModelZoo.Load("resnet18");
        using var photos = stack(Interp.Datasets.SamplePhotos.Names.Select(n => Interp.Datasets.SamplePhotos.Load(n, 224)).ToList());
        var sw = Stopwatch.StartNew();
        var found = Interp.Stimuli.CurveSearch.Measure(model, layer, photos);
        var criteria = new Interp.Stimuli.CurveCriteria();
        var failures = found.SelectMany(c => c.Failures(criteria)).GroupBy(f => f).ToDictionary(g => g.Key, g => g.Count());
        return new
        {
            cpu = CpuInfo.Current.Identity, layer, channels = found.Count, seconds = Math.Round(sw.Elapsed.TotalSeconds, 1), criteria,
            passing = found.Where(c => c.Passes(criteria)).Select(c => new { c.Channel, orientation = c.BestCurveStimulus.Orientation, curvature = c.BestCurveStimulus.Curvature,
                curve = Math.Round(c.BestCurve, 3), line = Math.Round(c.BestLine, 3), opposite = Math.Round(c.Opposite, 3), ring = Math.Round(c.Ring, 3),
                    natural = Math.Round(c.Natural, 3) }).ToList(),
            failing_each_criterion = failures,
            passing_with_looser_thresholds = new[] { 1.0, 1.25, 1.5, 2.0 }.Select(k => new { curve_over_line = k, count = found.Count(c
                => c.Passes(criteria with { CurveOverLine = k })) }).ToList(),
        };
    }

    /// <summary>
    /// A dataset scan's speed: images/s of <see cref="Interp.Datasets.DatasetScan"/> over <paramref name="images"/> in-memory
    /// 224 px images at <paramref name="layer"/>, next to bare batched forward passes stopped at the same layer.
    /// </summary>
    public static object ScanSpeed(string layer, int images, int batch, int threads)
    {
        set_num_threads(threads);
        using var model = ModelZoo.Load("resnet18");
        var data = Enumerable.Range(0, images).Select(i => rand([3, 224, 224], generator: new Generator().manual_seed(i))).ToList();
        var source = new Interp.Datasets.MemoryImages("random", data);
        var settings = new Interp.Datasets.ScanSettings(Size: 224, TopK: 9, BatchSize: batch);
        Interp.Datasets.DatasetScan.Run(model, layer, new Interp.Datasets.MemoryImages("warm-up", data.Take(batch).ToList()), settings);
        // Alternate the two, twice, and keep each one's faster time: the host's noise hits both alike.
        double scanS = double.MaxValue, bareS = double.MaxValue;
        for (int round = 0; round < 2; round++)
        {
            var sw = Stopwatch.StartNew();
            Interp.Datasets.DatasetScan.Run(model, layer, source, settings);
            scanS = Math.Min(scanS, sw.Elapsed.TotalSeconds);
            sw.Restart();
            using (no_grad())
                for (int start = 0; start < images; start += batch)
                {
                    using var scope = NewDisposeScope();
                    using var cache = model.RunWithCache(stack(data.Skip(start).Take(batch).ToList()), [layer], stopEarly: true);
                }
            bareS = Math.Min(bareS, sw.Elapsed.TotalSeconds);
        }
        foreach (var t in data) t.Dispose();
        return new { cpu = CpuInfo.Current.Identity, layer, images, batch, threads, scan_images_per_s = Math.Round(images / scanS, 2),
            bare_forward_images_per_s = Math.Round(images / bareS, 2), scan_over_bare = Math.Round(bareS / scanS, 3) };
    }

    /// <summary>
    /// Sparse autoencoder training on the toy CLIP's <c>visual.stage4</c> (128 channels, 4×4 positions) over toy-world pictures:
    /// the activation stream's vectors per second, then, for each dictionary size, training vectors per second on vectors held in
    /// memory, and the process's resident memory before and after (it should not grow with the steps).
    /// </summary>
    public static IEnumerable<object> SaeSpeed(int images, int steps, int batch, int threads)
    {
        set_num_threads(threads);
        using var model = ModelZoo.Load("toy-clip");
        var world = new Interp.Datasets.ToyWorldImages(images);
        var sw = Stopwatch.StartNew();
        using var stream = new Interp.Dictionary.LayerActivations(model, "visual.stage4", world, imagesPerBuffer: 64);
        using var stored = Interp.Dictionary.StoredActivations.From(stream, (int)stream.VectorsPerEpoch);
        double streamS = sw.Elapsed.TotalSeconds;
        yield return new { cpu = CpuInfo.Current.Identity, what = "stream", layer = "visual.stage4", images, vectors = stored.Count, threads,
            vectors_per_s = Math.Round(stored.Count / streamS, 0) };
        foreach (var (kind, multiple) in new[] { (Interp.Dictionary.SaeKind.TopK, 2), (Interp.Dictionary.SaeKind.TopK, 4), (Interp.Dictionary.SaeKind.TopK, 8),
                     (Interp.Dictionary.SaeKind.ReluL1, 4) })
        {
            var settings = new Interp.Dictionary.SaeSettings(128, 128 * multiple, kind, K: 16, L1: 0.3, BatchSize: batch, Steps: steps);
            using var sae = new Interp.Dictionary.SparseAutoencoder(settings);
            GC.Collect();
            long before = Process.GetCurrentProcess().WorkingSet64;
            var history = Interp.Dictionary.SaeTraining.Train(sae, stored);
            long after = Process.GetCurrentProcess().WorkingSet64;
            // The first tenth is warm-up; the rate is over the rest.
            int skip = Math.Max(1, steps / 10);
            double seconds = history[^1].Seconds - history[skip - 1].Seconds;
            var held = Interp.Dictionary.SaeEvaluation.Measure(sae, stored, 0, (int)Math.Min(stored.Count, 8192));
            yield return new { cpu = CpuInfo.Current.Identity, what = $"train {kind}", features = settings.Features, batch, steps, threads,
                vectors_per_s = Math.Round((steps - skip) * (double)batch / seconds, 0), fvu_on_training_vectors = Math.Round(held.Fvu, 4), l0 = Math.Round(held.L0, 2),
                dead = held.Dead, rss_before_mb = before >> 20, rss_after_mb = after >> 20 };
        }
    }

    /// <summary>
    /// Training the CNN toy CLIP for <paramref name="steps"/> steps with and without snapshots on the default schedule
    /// (<see cref="Interp.Training.CheckpointSchedule.LogThenEvery"/>), alternating, <paramref name="rounds"/> times each: the overhead at
    /// this run's snapshot density, the cost of one snapshot, and the overhead that cost implies for the 900-step recipe's 26.
    /// </summary>
    public static IEnumerable<object> SnapshotOverhead(int steps, int rounds, int threads)
    {
        set_num_threads(threads);
        var settings = Interp.Training.ToyTrainingSettings.For(Interp.Models.ToyClip.ToyTower.Cnn) with { Steps = steps };
        var schedule = Interp.Training.CheckpointSchedule.LogThenEvery(steps);
        var times = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        for (int round = 0; round < rounds; round++)
            foreach (bool keep in new[] { false, true })
            {
                var folder = Path.Combine(Path.GetTempPath(), $"interp-bench-snapshots-{Environment.ProcessId}");
                using (var model = new Interp.Models.ToyClip.ToyClipModel(settings.InitSeed))
                {
                    var watch = Stopwatch.StartNew();
                    Interp.Training.ToyClipTraining.Train(model, settings, snapshots: keep ? new Interp.Training.TrajectoryWriter(folder, schedule) : null);
                    times[keep].Add(watch.Elapsed.TotalSeconds);
                }
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
        double without = Median(times[false]), with = Median(times[true]);
        double perSnapshotMs = (with - without) * 1000 / schedule.Steps.Count;
        int recipeSnapshots = Interp.Training.CheckpointSchedule.LogThenEvery(900).Steps.Count;
        yield return new
        {
            cpu = CpuInfo.Current.Identity, what = "toy-clip training with snapshots", steps, snapshots = schedule.Steps.Count, rounds, threads,
            seconds_without = Math.Round(without, 2), seconds_with = Math.Round(with, 2), overhead_percent = Math.Round(100 * (with - without) / without, 2),
            ms_per_snapshot = Math.Round(perSnapshotMs, 1),
            recipe_overhead_percent = Math.Round(100 * perSnapshotMs * recipeSnapshots / (900 * without * 1000 / steps), 3),
        };
    }

    /// <summary>
    /// The median time of a render step after the steps with redirected ReLU gradients and a warm-up, and the objective at the end.
    /// <paramref name="between"/>, when given, runs after each measured step (outside the step's time); its own times are returned.
    /// </summary>
    static (double Ms, double Objective, List<double> BetweenMs) StepMs(Interp.Hooks.HookedModel model, Objective objective, RenderSpec spec, int steps,
        Action? between = null, bool stopAtDeepestLayer = true)
    {
        int skip = UnmeasuredSteps(spec);
        var stepTimes = new List<double>();
        var betweenTimes = new List<double>();
        using var session = new RenderSession(model, objective, spec with { Steps = skip + steps }, stopAtDeepestLayer);
        for (int step = 1; step <= skip + steps; step++)
        {
            var sw = Stopwatch.StartNew();
            session.Step();
            if (step <= skip) continue;
            stepTimes.Add(sw.Elapsed.TotalMilliseconds);
            if (between is null) continue;
            sw.Restart();
            between();
            betweenTimes.Add(sw.Elapsed.TotalMilliseconds);
        }
        return (Median(stepTimes), session.History[^1], betweenTimes);
    }

    /// <summary>
    /// Different units in one batch against one unit at a time: for each batch size, <paramref name="units"/> channels of
    /// <paramref name="layer"/> rendered <paramref name="steps"/> steps each (<see cref="Objectives.Channels"/>, Lucid's
    /// defaults otherwise), and the units per minute that gives. Every size renders the same units, in one process.
    /// </summary>
    public static IEnumerable<object> Units(string layer, int units, IReadOnlyList<int> batches, int threads, int steps, string dtype)
    {
        set_num_threads(threads);
        var precision = ParsePrecision(dtype);
        using var model = ModelZoo.Load("resnet18");
        if (precision == Precision.BFloat16) model.To(ScalarType.BFloat16);
        foreach (var batch in batches)
        {
            var sw = Stopwatch.StartNew();
            for (int first = 0; first < units; first += batch)
            {
                var group = Enumerable.Range(first, Math.Min(batch, units - first)).Select(c => new Interp.Units.Unit(layer, c)).ToList();
                var objective = group.Count == 1 ? Objectives.Channel(group[0]) : Objectives.Channels(group);
                using var result = Renderer.Render(model, objective, new RenderSpec { Steps = steps, Batch = group.Count, Precision = precision });
            }
            double minutes = sw.Elapsed.TotalMinutes;
            yield return new { cpu = CpuInfo.Current.Identity, native_bf16 = CpuInfo.Current.NativeBFloat16, layer, units, units_per_render = batch, steps, threads, dtype,
                seconds = Math.Round(sw.Elapsed.TotalSeconds, 1), units_per_minute = Math.Round(units / minutes, 2), peak_mb = Math.Round(PeakMb(), 1) };
        }
    }

    /// <summary>Steps a benchmark runs before it measures: those with redirected ReLU gradients, then two of warm-up.</summary>
    static int UnmeasuredSteps(RenderSpec spec) => spec.RedirectReluSteps + 2;

    static Precision ParsePrecision(string dtype) => dtype switch
    {
        "float32" => Precision.Float32,
        "bfloat16" => Precision.BFloat16,
        _ => throw new ArgumentException($"Unknown dtype '{dtype}'; valid: float32, bfloat16."),
    };

    /// <summary>Resident memory after <paramref name="steps"/> render steps, sampled along the way: flat means no leak.</summary>
    public static object Soak(int steps, int batch, int threads)
    {
        set_num_threads(threads);
        using var model = ModelZoo.Load("resnet18");
        var samples = new List<(int Step, double RssMb)>();
        var every = Math.Max(1, steps / 10);
        var progress = new Callback(p => { if (p.Step % every == 0 || p.Step == 1) samples.Add((p.Step, RssMb())); });
        using var result = Renderer.Render(model, Objectives.Channel("layer2:42"), new RenderSpec { Steps = steps, Size = 128, Batch = batch, Seed = 0 },
            new RenderControl { Progress = progress });
        var first = samples.First(s => s.Step >= every);
        return new
        {
            cpu = CpuInfo.Current.Identity, steps, batch, threads,
            rss_mb = samples.Select(s => new { step = s.Step, mb = Math.Round(s.RssMb, 1) }).ToList(),
            growth_mb_after_first_tenth = Math.Round(samples[^1].RssMb - first.RssMb, 1),
            peak_mb = Math.Round(PeakMb(), 1),
        };
    }

    /// <summary>
    /// Forward + backward to <paramref name="layer"/> at <paramref name="batch"/> over the input sizes Lucid's transforms give
    /// (128–152 px, changing every three passes as random scales do), in NCHW and channels-last: median and 90th percentile
    /// per pass, and the process's kernel time and minor page faults, with the allocator settings in force
    /// (<see cref="NativeAllocator"/>). Sizes go up, then down, so that drift over the run hits both directions. Then, for
    /// each layout, the worst relative (L2) error of the input gradient against a float64 copy of the model over the sizes.
    /// </summary>
    public static object Sizes(string layer, int batch, int threads, int rounds)
    {
        set_num_threads(threads);
        using var model = ModelZoo.Load("resnet18");
        using var frozen = model.FreezeWeights();
        int[] sides = [128, 132, 136, 140, 144, 148, 152];
        var times = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        var process = Process.GetCurrentProcess();
        var kernelBefore = process.PrivilegedProcessorTime;
        long faultsBefore = MinorFaults();
        var wall = Stopwatch.StartNew();
        for (int round = 0; round < rounds; round++)
            foreach (var channelsLast in new[] { false, true })
                foreach (var side in round % 2 == 0 ? sides : sides.Reverse())
                    for (int i = 0; i < 3; i++)
                    {
                        double ms = BareForwardBackwardMs(model, layer, batch, side, channelsLast);
                        if (i > 0) times[channelsLast].Add(ms);
                    }
        process.Refresh();
        var kernel = process.PrivilegedProcessorTime - kernelBefore;
        long faults = MinorFaults() - faultsBefore;
        // Correctness of both layouts: the input gradient at every size against a float64 copy of the model.
        var worst = new Dictionary<bool, (double Error, int Side)> { [false] = (0, 0), [true] = (0, 0) };
        using (var model64 = ModelZoo.Load("resnet18").To(ScalarType.Float64))
        using (var frozen64 = model64.FreezeWeights())
            foreach (var side in sides)
            {
                using var scope = NewDisposeScope();
                var x = rand([batch, 3, side, side], generator: new Generator().manual_seed(side));
                Tensor InputGradient(Interp.Hooks.HookedModel m, Tensor input, bool channelsLast)
                {
                    if (channelsLast) input = Interp.Images.ImageTensors.ChannelsLast(input);
                    input = input.detach().requires_grad_();
                    using var cache = m.RunWithCache(input, [layer], detach: false, stopEarly: true);
                    cache[layer][.., 42].to(float64).mean().backward();
                    return input.grad!.to(float64);
                }
                var reference = InputGradient(model64, x.to(float64), false);
                foreach (var channelsLast in new[] { false, true })
                {
                    // The L2 norm of the error relative to the gradient's: a ReLU or max-pool choice that float32 rounding flips
                    // moves a few elements a lot (and the largest-element error with them), a faulty convolution moves many.
                    double err = ((InputGradient(model, x, channelsLast) - reference).norm() / reference.norm()).item<double>();
                    if (!(err <= worst[channelsLast].Error)) worst[channelsLast] = (err, side);
                }
            }
        double Percentile(List<double> v, double q) { var s = v.Order().ToList(); return Math.Round(s[(int)Math.Min(s.Count - 1, Math.Floor(q * s.Count))], 1); }
        return new
        {
            cpu = CpuInfo.Current.Identity, malloc = NativeAllocator.Current.Description, layer, batch, threads, passes = times[false].Count + times[true].Count,
            nchw_median_ms = Percentile(times[false], 0.5), nchw_p90_ms = Percentile(times[false], 0.9),
            channels_last_median_ms = Percentile(times[true], 0.5), channels_last_p90_ms = Percentile(times[true], 0.9),
            wall_s = Math.Round(wall.Elapsed.TotalSeconds, 1), kernel_s = Math.Round(kernel.TotalSeconds, 1), minor_faults = faults,
            nchw_worst_input_gradient_l2_error = $"{worst[false].Error:E1} at {worst[false].Side} px",
            channels_last_worst_input_gradient_l2_error = $"{worst[true].Error:E1} at {worst[true].Side} px",
        };
    }

    /// <summary>
    /// A bare forward pass stopped at <paramref name="layer"/> and a backward pass to the input from channel 42's mean, on random
    /// images [<paramref name="batch"/>, 3, <paramref name="side"/>, <paramref name="side"/>]: the network's own work, without a
    /// render's image path or optimizer. Returns its time in milliseconds (the random input is made before the clock starts).
    /// </summary>
    static double BareForwardBackwardMs(Interp.Hooks.HookedModel model, string layer, int batch, int side, bool channelsLast = false, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var x = rand([batch, 3, side, side]).to(dtype);
        if (channelsLast) x = Interp.Images.ImageTensors.ChannelsLast(x);
        x.requires_grad_();
        var sw = Stopwatch.StartNew();
        using var cache = model.RunWithCache(x, [layer], detach: false, stopEarly: true);
        cache[layer][.., 42].to(float32).mean().backward();
        return sw.Elapsed.TotalMilliseconds;
    }

    /// <summary>Minor page faults of this process so far (field 10 of <c>/proc/self/stat</c>).</summary>
    static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], System.Globalization.CultureInfo.InvariantCulture);
    }

    static double Median(List<double> v) { v.Sort(); return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2; }

    /// <summary>
    /// Resident memory now, by what is mapped (<c>/proc/self/smaps</c>): each shared library by file name, the C heap, and
    /// anonymous memory (glibc's other arenas, large blocks, thread stacks, the .NET heap); the largest ten, in MB.
    /// </summary>
    static Dictionary<string, double> ResidentByMapping()
    {
        var sums = new Dictionary<string, double>();
        string current = "?";
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && fields[0].Contains('-') && !fields[0].EndsWith(':'))
                current = fields.Length >= 6 ? Path.GetFileName(fields[5]) is { Length: > 0 } f ? f : fields[5] : "anonymous";
            else if (fields.Length >= 2 && fields[0] == "Rss:")
                sums[current] = sums.GetValueOrDefault(current) + double.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
        return sums.OrderByDescending(kv => kv.Value).Take(10).ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 1));
    }

    static double PeakMb() => StatusMb("VmHWM:");
    static double RssMb() => StatusMb("VmRSS:");

    static double StatusMb(string key)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    sealed class Callback(Action<RenderProgress> report) : IProgress<RenderProgress>
    {
        public void Report(RenderProgress value) => report(value);
    }

    /// <summary>
    /// Times each phase of a session's steps after the first skip, and keeps each phase's peak resident
    /// memory (the kernel's high-water mark, reset at every boundary) and peak in-use memory (the C allocator's bytes handed
    /// out, sampled every half millisecond by a background thread: transients inside a phase, such as the backward pass's
    /// gradients, count too).
    /// </summary>
    sealed class PhaseObserver : IRenderStepObserver, IDisposable
    {
        readonly int _skip;
        readonly Stopwatch _clock = new();
        readonly Thread _sampler;
        volatile bool _stop;
        long _inUseMax;
        int _step;

        public PhaseObserver(int skip)
        {
            _skip = skip;
            _sampler = new Thread(() =>
            {
                while (!_stop)
                {
                    long now = NativeAllocator.InUseBytes() ?? 0, seen;
                    do seen = Interlocked.Read(ref _inUseMax); while (now > seen && Interlocked.CompareExchange(ref _inUseMax, now, seen) != seen);
                    Thread.Sleep(TimeSpan.FromMilliseconds(0.5));
                }
            }) { IsBackground = true, Name = "in-use sampler" };
            _sampler.Start();
        }

        public Dictionary<RenderPhase, List<double>> Times { get; } = Enum.GetValues<RenderPhase>().ToDictionary(p => p, _ => new List<double>());
        public Dictionary<RenderPhase, double> PeakMb { get; } = Enum.GetValues<RenderPhase>().ToDictionary(p => p, _ => 0.0);
        public Dictionary<RenderPhase, double> InUseMb { get; } = Enum.GetValues<RenderPhase>().ToDictionary(p => p, _ => 0.0);

        public void StepStarting(int step)
        {
            _step = step;
            ResetPeak();
            Interlocked.Exchange(ref _inUseMax, NativeAllocator.InUseBytes() ?? 0);
            _clock.Restart();
        }

        public void PhaseEnded(RenderPhase phase)
        {
            double ms = _clock.Elapsed.TotalMilliseconds;
            if (_step > _skip)
            {
                Times[phase].Add(ms);
                PeakMb[phase] = Math.Max(PeakMb[phase], Benchmarks.PeakMb());
                long inUse = Math.Max(Interlocked.Read(ref _inUseMax), NativeAllocator.InUseBytes() ?? 0);
                InUseMb[phase] = Math.Max(InUseMb[phase], inUse / 1048576.0);
            }
            ResetPeak();
            Interlocked.Exchange(ref _inUseMax, NativeAllocator.InUseBytes() ?? 0);
            _clock.Restart();
        }

        public void Dispose()
        {
            _stop = true;
            _sampler.Join();
        }

        /// <summary>Sets the kernel's high-water mark of resident memory to the current resident memory (Linux: clear_refs 5).</summary>
        internal static void ResetPeak()
        {
            // procfs refuses the truncation File.WriteAllText asks for: open the file for writing as it is.
            using var file = new FileStream("/proc/self/clear_refs", FileMode.Open, FileAccess.Write);
            file.Write("5"u8);
        }
    }
}
