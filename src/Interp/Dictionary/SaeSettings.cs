namespace Interp.Dictionary;

/// <summary>
/// A sparse autoencoder's shape and training: <paramref name="Features"/> dictionary atoms over activation vectors of
/// <paramref name="Width"/> dimensions.
/// </summary>
/// <param name="Width">The activation vectors' dimension (a layer's channels).</param>
/// <param name="Features">The dictionary size; usually a multiple of <paramref name="Width"/> (smaller is allowed, and said: <see cref="Notes"/>).</param>
/// <param name="Kind">TopK or ReLU with L1.</param>
/// <param name="K">TopK: the number of active features per vector, 1 ≤ K &lt; min(Features, Width).</param>
/// <param name="L1">ReLU + L1: the penalty's coefficient (&gt; 0) on Σ features · decoder column norm.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="BatchSize">Activation vectors per step.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="Seed">Seeds the initialization and the resampling; the data's order is the source's.</param>
/// <param name="DeadAfter">A feature that has not fired on this many training vectors in a row is dead.</param>
/// <param name="ResampleEvery">Every this many steps dead features are re-initialized on badly reconstructed vectors (0: never).</param>
/// <param name="CheckpointEvery">With a checkpoint path, save every this many steps (and at the end).</param>
public sealed record SaeSettings(int Width, int Features, SaeKind Kind = SaeKind.TopK, int K = 8, double L1 = 1e-3, double LearningRate = 1e-3,
    int BatchSize = 256, int Steps = 1000, long Seed = 0, long DeadAfter = 25_000, int ResampleEvery = 250, int CheckpointEvery = 200)
{
    /// <summary>Refuses settings that cannot train, saying what is valid.</summary>
    public void Validate()
    {
        if (Width < 1) throw new ArgumentOutOfRangeException(nameof(Width), Width, "The activation width must be at least 1.");
        if (Features < 1) throw new ArgumentOutOfRangeException(nameof(Features), Features, "The dictionary needs at least 1 feature.");
        if (Kind == SaeKind.TopK && (K < 1 || K >= Features))
            throw new ArgumentOutOfRangeException(nameof(K), K, $"TopK keeps 1 ≤ k < {Features} (the dictionary size) features per vector.");
        if (Kind == SaeKind.TopK && K >= Width)
            throw new ArgumentOutOfRangeException(nameof(K), K, $"With k ≥ the width ({Width}) a TopK autoencoder can pass every vector through unchanged and " +
                $"learns no sparse code; choose 1 ≤ k < {Width}.");
        if (Kind == SaeKind.ReluL1 && !(L1 > 0))
            throw new ArgumentOutOfRangeException(nameof(L1), L1, "The L1 coefficient must be positive (without a penalty a ReLU autoencoder is not sparse).");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be positive.");
        if (BatchSize < 1 || Steps < 1 || CheckpointEvery < 1)
            throw new ArgumentException($"Batch size, steps and checkpoint interval must be at least 1 (got {BatchSize}, {Steps}, {CheckpointEvery}).");
        if (DeadAfter < 1 || ResampleEvery < 0)
            throw new ArgumentException($"A feature is dead after at least 1 vector, and resampling runs every ≥ 0 steps (got {DeadAfter}, {ResampleEvery}).");
    }

    /// <summary>What is allowed but worth saying about these settings (e.g. a dictionary narrower than the layer).</summary>
    public IReadOnlyList<string> Notes => Features < Width
        ? [$"The dictionary ({Features} features) is smaller than the layer ({Width} dimensions): it cannot represent every direction, so the " +
           "reconstruction loses variance even without sparsity."]
        : [];
}
