using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Dictionary;

/// <summary>
/// A sparse autoencoder over activation vectors: features f = σ((x − b_dec)·W_encᵀ + b_enc), where σ keeps the k largest
/// pre-activations (ReLU'd; <see cref="SaeKind.TopK"/>) or is a ReLU (<see cref="SaeKind.ReluL1"/>), and the reconstruction
/// x̂ = f·W_decᵀ + b_dec. The decoder bias is subtracted before encoding (the tied pre-encoder bias), and the decoder's
/// columns (the dictionary's atoms, <c>W_dec</c> [Width, Features]) are kept at unit norm by the training.
/// </summary>
public sealed class SparseAutoencoder : nn.Module<Tensor, Tensor>
{
    readonly Parameter W_enc, b_enc, W_dec, b_dec;

    /// <summary>
    /// A new autoencoder for <paramref name="settings"/>: decoder columns random unit vectors from the settings' seed, the encoder
    /// their transpose (Gao et al.'s initialization), biases zero.
    /// </summary>
    public SparseAutoencoder(SaeSettings settings) : base("sae")
    {
        settings.Validate();
        Settings = settings;
        using (no_grad())
        {
            var d = randn([settings.Width, settings.Features], generator: new Generator().manual_seed(settings.Seed));
            d.div_(d.norm(0, keepdim: true));
            var e = d.t().contiguous().clone();
            W_dec = new Parameter(d);                  // a parameter takes over its tensor's handle: `d` is not used after this
            W_enc = new Parameter(e);
            b_enc = new Parameter(zeros(settings.Features));
            b_dec = new Parameter(zeros(settings.Width));
        }
        RegisterComponents();
        eval();
    }

    /// <summary>The shape and training this autoencoder was made for.</summary>
    public SaeSettings Settings { get; }

    /// <summary>The dictionary: one atom per column, [Width, Features].</summary>
    public Tensor Decoder => W_dec;

    /// <summary>The encoder's rows, [Features, Width]: feature i reads the direction <c>Encoder[i]</c> of x − b_dec.</summary>
    public Tensor Encoder => W_enc;

    /// <summary>The encoder bias [Features].</summary>
    public Tensor EncoderBias => b_enc;

    /// <summary>The decoder bias [Width], subtracted from inputs before encoding.</summary>
    public Tensor DecoderBias => b_dec;

    /// <summary>Pre-activations [N, Features] of vectors [N, Width].</summary>
    public Tensor PreActivations(Tensor x)
    {
        if (x.ndim != 2 || x.shape[1] != Settings.Width)
            throw new ArgumentException($"Expected activation vectors [N, {Settings.Width}]; got [{string.Join(", ", x.shape)}].", nameof(x));
        using var scope = NewDisposeScope();
        return (x - b_dec).matmul(W_enc.t()).add(b_enc).MoveToOuterDisposeScope();
    }

    /// <summary>Features [N, Features] of vectors [N, Width]: TopK keeps at most k non-zero per row (the k largest, if positive).</summary>
    public Tensor Encode(Tensor x)
    {
        using var scope = NewDisposeScope();
        var pre = PreActivations(x);
        if (Settings.Kind == SaeKind.ReluL1) return nn.functional.relu(pre).MoveToOuterDisposeScope();
        var (values, indices) = pre.topk(Settings.K, dim: 1);
        return zeros_like(pre).scatter(1, indices, nn.functional.relu(values)).MoveToOuterDisposeScope();
    }

    /// <summary>The reconstruction [N, Width] of features [N, Features].</summary>
    public Tensor Decode(Tensor features)
    {
        using var scope = NewDisposeScope();
        return features.matmul(W_dec.t()).add(b_dec).MoveToOuterDisposeScope();
    }

    /// <summary>The reconstruction of vectors [N, Width].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Decode(Encode(x)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The training loss of a batch, with its parts: the squared error summed over dimensions and averaged over vectors, plus
    /// for ReLU + L1 the penalty L1 · mean over vectors of Σᵢ fᵢ·‖W_dec[:, i]‖.
    /// </summary>
    public (Tensor Loss, Tensor SquaredError, Tensor Features) Loss(Tensor x)
    {
        using var scope = NewDisposeScope();
        var f = Encode(x);
        var error = (Decode(f) - x).pow(2).sum(1).mean();
        var loss = Settings.Kind == SaeKind.ReluL1 ? error + Settings.L1 * f.matmul(W_dec.norm(0)).mean() : error;
        return (loss.MoveToOuterDisposeScope(), error.MoveToOuterDisposeScope(), f.MoveToOuterDisposeScope());
    }

    /// <summary>Scales every decoder column to unit norm (after each optimizer step).</summary>
    public void NormalizeDecoder()
    {
        using var _ = no_grad();
        W_dec.div_(W_dec.norm(0, keepdim: true).clamp_min(1e-12));
    }

    /// <summary>
    /// Removes from the decoder's gradient the part along each column, which would only change the column's norm (undone by
    /// <see cref="NormalizeDecoder"/>) and would disturb Adam's step sizes.
    /// </summary>
    public void ProjectDecoderGradient()
    {
        if (W_dec.grad is not { } g) return;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        g.sub_(W_dec * (g * W_dec).sum(0, keepdim: true));
    }
}
