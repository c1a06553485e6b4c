using static TorchSharp.torch;

namespace Interp.Circuits;

/// <summary>A factorization data ≈ <see cref="Weights"/> · <see cref="Components"/>, with the relative error after each iteration.</summary>
/// <param name="Weights">[N, k]: how much of each component every row holds (non-negative).</param>
/// <param name="Components">[k, C]: the components (non-negative for <see cref="Nmf.Fit"/>, signed for <see cref="Nmf.FitOneSided"/>).</param>
/// <param name="Errors">‖data − Weights·Components‖ / ‖data‖ after each iteration.</param>
public sealed record Factorization(Tensor Weights, Tensor Components, IReadOnlyList<double> Errors) : IDisposable
{
    /// <summary>Weights · Components.</summary>
    public Tensor Reconstruct() => Weights.matmul(Components);

    /// <inheritdoc/>
    public void Dispose()
    {
        Weights.Dispose();
        Components.Dispose();
    }
}

/// <summary>
/// Non-negative matrix factorization for activations and weights, as the Circuits articles use it: <see cref="Fit"/> for
/// non-negative data (post-ReLU activations; Lee and Seung's multiplicative updates for the Frobenius error, as Lucid's
/// ChannelReducer gets from scikit-learn), <see cref="FitOneSided"/> for signed data such as weights (only the row weights
/// are non-negative: semi-NMF, Ding, Li and Jordan 2010), and <see cref="ReduceChannels"/> for activation maps.
/// Deterministic for a seed at a fixed thread count; computed in float64.
/// </summary>
public static class Nmf
{
    const double Eps = 1e-12;

    /// <summary>Factorizes non-negative <paramref name="data"/> [N, C] into <paramref name="components"/> parts.</summary>
    public static Factorization Fit(Tensor data, int components, int iterations = 300, long seed = 0)
    {
        Check(data, components, iterations);
        using var scope = NewDisposeScope();
        var x = data.to(float64).cpu();
        if (x.min().item<double>() < 0)
            throw new ArgumentException("NMF needs non-negative data (e.g. activations after a ReLU); use FitOneSided for signed data such as weights.", nameof(data));
        var (w, h) = Init(x, components, seed);
        var errors = new List<double>(iterations);
        double norm = Math.Max(x.norm().item<double>(), Eps);
        for (int i = 0; i < iterations; i++)
        {
            using var step = NewDisposeScope();
            var hNew = (h * (w.t().matmul(x)) / (w.t().matmul(w).matmul(h) + Eps)).MoveToOuterDisposeScope();
            h.Dispose();
            h = hNew;
            var wNew = (w * (x.matmul(h.t())) / (w.matmul(h.matmul(h.t())) + Eps)).MoveToOuterDisposeScope();
            w.Dispose();
            w = wNew;
            errors.Add((x - w.matmul(h)).norm().item<double>() / norm);
        }
        return new Factorization(w.to(float32).MoveToOuterDisposeScope(), h.to(float32).MoveToOuterDisposeScope(), errors);
    }

    /// <summary>
    /// Factorizes signed <paramref name="data"/> [N, C] with non-negative row weights [N, k] and signed components [k, C]
    /// (semi-NMF): for weights, each row (an output unit, or an input position) is a non-negative mix of signed patterns.
    /// </summary>
    public static Factorization FitOneSided(Tensor data, int components, int iterations = 300, long seed = 0)
    {
        Check(data, components, iterations);
        using var scope = NewDisposeScope();
        var x = data.to(float64).cpu();
        var (w, start) = Init(x.abs(), components, seed);
        start.Dispose();
        var errors = new List<double>(iterations);
        double norm = Math.Max(x.norm().item<double>(), Eps);
        Tensor? h = null;
        for (int i = 0; i < iterations; i++)
        {
            using var step = NewDisposeScope();
            // Components: least squares given the weights; weights: Ding et al.'s multiplicative update.
            var hNew = linalg.pinv(w.t().matmul(w)).matmul(w.t()).matmul(x);
            var xh = x.matmul(hNew.t());
            var hh = hNew.matmul(hNew.t());
            Tensor Pos(Tensor t) => (t.abs() + t) / 2;
            Tensor Neg(Tensor t) => (t.abs() - t) / 2;
            var wNew = (w * ((Pos(xh) + w.matmul(Neg(hh))) / (Neg(xh) + w.matmul(Pos(hh)) + Eps)).sqrt()).MoveToOuterDisposeScope();
            w.Dispose();
            w = wNew;
            h?.Dispose();
            h = hNew.MoveToOuterDisposeScope();
            errors.Add((x - w.matmul(h)).norm().item<double>() / norm);
        }
        return new Factorization(w.to(float32).MoveToOuterDisposeScope(), h!.to(float32).MoveToOuterDisposeScope(), errors);
    }

    /// <summary>
    /// Lucid's channel reducer: activations [N, C, H, W] → <paramref name="components"/> maps [N, k, H, W] and the
    /// components [k, C] (each a non-negative mix of channels), by NMF over every position of every image.
    /// </summary>
    public static (Tensor Maps, Factorization Fit) ReduceChannels(Tensor activations, int components, int iterations = 300, long seed = 0)
    {
        if (activations.ndim != 4) throw new ArgumentException($"Expected activations [N, C, H, W]; got [{string.Join(", ", activations.shape)}].", nameof(activations));
        long n = activations.shape[0], c = activations.shape[1], h = activations.shape[2], w = activations.shape[3];
        using var flat = activations.permute(0, 2, 3, 1).reshape(-1, c);
        var fit = Fit(flat, components, iterations, seed);
        var maps = fit.Weights.reshape(n, h, w, components).permute(0, 3, 1, 2).contiguous();
        return (maps, fit);
    }

    static void Check(Tensor data, int components, int iterations)
    {
        if (data.ndim != 2) throw new ArgumentException($"Expected a matrix [N, C]; got [{string.Join(", ", data.shape)}]. Flatten activations first (or use ReduceChannels).",
            nameof(data));
        if (components < 1 || components > Math.Min(data.shape[0], data.shape[1]))
            throw new ArgumentOutOfRangeException(nameof(components), components,
                $"Components must be 1..{Math.Min(data.shape[0], data.shape[1])} for a [{data.shape[0]}, {data.shape[1]}] matrix.");
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "Run at least one iteration.");
        using var finite = data.isfinite().all();
        if (!finite.item<bool>()) throw new ArgumentException("The data hold NaN or infinite values.", nameof(data));
    }

    /// <summary>Random non-negative start scaled like scikit-learn's: sqrt(mean / k).</summary>
    static (Tensor W, Tensor H) Init(Tensor x, int k, long seed)
    {
        var gen = new Generator().manual_seed(seed);
        double scale = Math.Sqrt(Math.Max(x.mean().item<double>(), Eps) / k);
        var w = rand([x.shape[0], k], dtype: float64, generator: gen) * scale;
        var h = rand([k, x.shape[1]], dtype: float64, generator: gen) * scale;
        return (w, h);
    }
}
