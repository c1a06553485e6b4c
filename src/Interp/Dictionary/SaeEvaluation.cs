using static TorchSharp.torch;

namespace Interp.Dictionary;

/// <summary>
/// How well a dictionary reconstructs held-out vectors, and how its features are used.
/// </summary>
/// <param name="Vectors">Vectors measured.</param>
/// <param name="Fvu">Fraction of variance unexplained: Σ‖x − x̂‖² / Σ‖x − mean(x)‖² (0 is perfect; 1 is no better than the mean).</param>
/// <param name="L0">Mean number of active (non-zero) features per vector.</param>
/// <param name="Frequencies">Each feature's share of vectors on which it is active.</param>
/// <param name="DenseThreshold">A feature active on more than this share of vectors counts as dense.</param>
public sealed record SaeEvaluation(long Vectors, double Fvu, double L0, IReadOnlyList<double> Frequencies, double DenseThreshold)
{
    /// <summary>Features never active on the vectors measured.</summary>
    public int Dead => Frequencies.Count(f => f == 0);

    /// <summary>Features active on more than <see cref="DenseThreshold"/> of the vectors.</summary>
    public int Dense => Frequencies.Count(f => f > DenseThreshold);

    /// <summary>
    /// Measures <paramref name="sae"/> on vectors <paramref name="start"/> … start + count − 1 of <paramref name="source"/>, in
    /// batches of <paramref name="batch"/> (memory is bounded by the batch). Use vectors the training did not see.
    /// </summary>
    public static SaeEvaluation Measure(SparseAutoencoder sae, IActivationSource source, long start, int count, int batch = 1024,
        double denseThreshold = 0.1)
    {
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "Measure on at least 2 vectors (the variance needs them).");
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch must hold at least 1 vector.");
        if (source.Width != sae.Settings.Width)
            throw new ArgumentException($"The source '{source.Name}' gives vectors of width {source.Width}; this autoencoder takes {sae.Settings.Width}.", nameof(source));
        int width = source.Width, features = sae.Settings.Features;
        // Sums in float64 over the batches: the error, Σx and Σx² per dimension (for the variance), active counts.
        double error = 0, active = 0;
        var sum = new double[width];
        var squares = new double[width];
        var fired = new double[features];
        using var _ = no_grad();
        for (long at = start; at < start + count; at += batch)
        {
            using var scope = NewDisposeScope();
            int n = (int)Math.Min(batch, start + count - at);
            var x = source.Batch(at, n);
            var f = sae.Encode(x);
            var x64 = x.to(float64);
            error += (sae.Decode(f).to(float64) - x64).pow(2).sum().item<double>();
            var on = (f > 0).to(float64);
            active += on.sum().item<double>();
            var s = x64.sum([0]).data<double>().ToArray();
            var q = x64.pow(2).sum([0]).data<double>().ToArray();
            var c = on.sum([0]).data<double>().ToArray();
            for (int d = 0; d < width; d++) { sum[d] += s[d]; squares[d] += q[d]; }
            for (int i = 0; i < features; i++) fired[i] += c[i];
        }
        double variance = 0;
        for (int d = 0; d < width; d++) variance += squares[d] - sum[d] * sum[d] / count;
        double fvu = variance > 0 ? error / variance : double.NaN;
        return new SaeEvaluation(count, fvu, active / count, [.. fired.Select(v => v / count)], denseThreshold);
    }
}
