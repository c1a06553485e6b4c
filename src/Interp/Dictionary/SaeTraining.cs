using System.Diagnostics;
using Interp.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Dictionary;

/// <summary>
/// Trains a <see cref="SparseAutoencoder"/> with Adam on an <see cref="IActivationSource"/>: step s sees vectors s·B … s·B + B − 1,
/// so a run is determined by its settings and source (bitwise at a fixed thread count) and a run resumed from a checkpoint
/// continues exactly where it stopped. The decoder bias starts at the first batch's mean; after every step the decoder's
/// columns are scaled back to unit norm (their gradient's radial part removed first); every
/// <see cref="SaeSettings.ResampleEvery"/> steps the dead features (silent for <see cref="SaeSettings.DeadAfter"/> vectors)
/// are re-initialized towards vectors the autoencoder reconstructs badly, drawn with probability ∝ squared error (Bricken et
/// al. 2023), and Adam's state starts again (a simplification: Anthropic reset only the resampled features' state).
/// </summary>
public static class SaeTraining
{
    sealed record Checkpoint(SaeSettings Settings, string Source, int NextStep, long[] SinceFired, List<SaeStep> History);

    /// <summary>
    /// Trains <paramref name="sae"/> in place and returns every step's record so far (resumed steps included). With
    /// <paramref name="checkpointPath"/>, training resumes from it when it holds a checkpoint of the same settings and source,
    /// and saves one every <see cref="SaeSettings.CheckpointEvery"/> steps and at the end. <paramref name="stopAfter"/> ends the
    /// run early (after that many steps in all), as an interruption would.
    /// </summary>
    public static IReadOnlyList<SaeStep> Train(SparseAutoencoder sae, IActivationSource source, string? checkpointPath = null,
        IProgress<SaeStep>? progress = null, int? stopAfter = null, CancellationToken cancellation = default)
    {
        var settings = sae.Settings;
        if (source.Width != settings.Width)
            throw new ArgumentException($"The source '{source.Name}' gives vectors of width {source.Width}; this autoencoder takes {settings.Width}.", nameof(source));
        var optimizer = optim.Adam(sae.parameters(), lr: settings.LearningRate);
        try
        {
            var history = new List<SaeStep>();
            var sinceFired = new long[settings.Features];
            int start = 0;
            if (checkpointPath is not null && TrainingCheckpoint.ReadRecord<Checkpoint>(checkpointPath, "sparse autoencoder") is { } saved)
            {
                if (saved.Settings != settings || saved.Source != source.Name)
                    throw new InvalidOperationException($"'{checkpointPath}' is a checkpoint of another run ({saved.Settings} on '{saved.Source}'); this run is " +
                        $"{settings} on '{source.Name}'. Use another path or delete it.");
                TrainingCheckpoint.LoadState(checkpointPath, sae, optimizer);
                (start, sinceFired, history) = (saved.NextStep, saved.SinceFired, saved.History);
            }
            var watch = Stopwatch.StartNew();
            int end = Math.Min(settings.Steps, stopAfter ?? settings.Steps);
            for (int step = start; step < end; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var x = source.Batch((long)step * settings.BatchSize, settings.BatchSize);
                if (step == 0)
                    using (no_grad()) sae.DecoderBias.copy_(x.mean([0]));
                int resampled = 0;
                if (settings.ResampleEvery > 0 && step > 0 && step % settings.ResampleEvery == 0)
                {
                    resampled = Resample(sae, x, sinceFired, step);
                    if (resampled > 0)
                    {
                        optimizer.Dispose();
                        optimizer = optim.Adam(sae.parameters(), lr: settings.LearningRate);
                    }
                }
                optimizer.zero_grad();
                var (loss, error, features) = sae.Loss(x);
                loss.backward();
                sae.ProjectDecoderGradient();
                optimizer.step();
                sae.NormalizeDecoder();
                var fired = (features > 0);
                var counts = fired.sum([0]).data<long>().ToArray();
                for (int i = 0; i < counts.Length; i++) sinceFired[i] = counts[i] > 0 ? 0 : sinceFired[i] + settings.BatchSize;
                var record = new SaeStep(step, loss.item<float>(), error.item<float>(), fired.sum(1).to(float64).mean().item<double>(),
                    sinceFired.Count(s => s >= settings.DeadAfter), resampled, watch.Elapsed.TotalSeconds);
                history.Add(record);
                progress?.Report(record);
                if (checkpointPath is not null && ((step + 1) % settings.CheckpointEvery == 0 || step + 1 == end))
                    TrainingCheckpoint.Save(checkpointPath, sae, optimizer, new Checkpoint(settings, source.Name, step + 1, sinceFired, history));
            }
            return history;
        }
        finally
        {
            optimizer.Dispose();
        }
    }

    /// <summary>
    /// Re-initializes the dead features on the vectors of <paramref name="x"/> the autoencoder reconstructs worst: each gets a
    /// vector drawn with probability ∝ its squared error; its decoder column becomes that vector's direction (from b_dec), its
    /// encoder row the same direction at the mean norm of the live rows (× 0.2 for ReLU + L1, as Bricken et al.; TopK keeps
    /// the full norm, or a revived feature could never be among the k largest), its bias 0. Returns how many were resampled.
    /// </summary>
    internal static int Resample(SparseAutoencoder sae, Tensor x, long[] sinceFired, int step)
    {
        var settings = sae.Settings;
        var dead = Enumerable.Range(0, sinceFired.Length).Where(i => sinceFired[i] >= settings.DeadAfter).ToArray();
        if (dead.Length == 0) return 0;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var errors = (sae.forward(x) - x).pow(2).sum(1).to(float64);
        // Only badly reconstructed vectors are candidates (a perfect reconstruction leaves nothing to resample towards).
        int take = Math.Min(dead.Length, (int)(errors > 0).sum().item<long>());
        if (take == 0) return 0;
        var generator = new Generator().manual_seed(unchecked(settings.Seed * 1_000_003 + step));
        var chosen = errors.pow(2).multinomial(take, replacement: false, generator: generator);
        var directions = x.index_select(0, chosen) - sae.DecoderBias;
        directions = directions / directions.norm(1, keepdim: true).clamp_min(1e-12);         // [take, Width]
        var alive = Enumerable.Range(0, sinceFired.Length).Where(i => sinceFired[i] < settings.DeadAfter).Select(i => (long)i).ToArray();
        double scale = alive.Length == 0 ? 1 : sae.Encoder.index_select(0, tensor(alive)).norm(1).mean().item<float>();
        var rows = tensor(dead.Take(take).Select(i => (long)i).ToArray());
        sae.Decoder.index_copy_(1, rows, directions.t());
        sae.Encoder.index_copy_(0, rows, directions * ((settings.Kind == SaeKind.ReluL1 ? 0.2 : 1) * scale));
        sae.EncoderBias.index_fill_(0, rows, 0);
        foreach (var i in dead.Take(take)) sinceFired[i] = 0;
        return take;
    }
}
