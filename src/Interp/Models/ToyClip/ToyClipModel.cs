using Interp.Models;
using TorchSharp;
using TorchSharp.Modules;
using Interp.Clip;
using Interp.ToyWorld;
using Interp.Models.ConvNeXt;
using Interp.Models.Vit;
using static TorchSharp.torch;

namespace Interp.Models.ToyClip;

/// <summary>A residual stage of the toy image encoder: two 3×3 convolutions (the first strided) with batch norm, plus a 1×1 strided shortcut.</summary>
public sealed class ToyStage : nn.Module<Tensor, Tensor>
{
    readonly SafeConv2d conv1, conv2, shortcut;
    readonly BatchNorm2d bn1, bn2, bnShortcut;
    readonly ReLU relu1 = nn.ReLU(), relu2 = nn.ReLU();

    /// <summary>A stage from <paramref name="inChannels"/> to <paramref name="outChannels"/> that halves the map.</summary>
    public ToyStage(string name, long inChannels, long outChannels) : base(name)
    {
        conv1 = new SafeConv2d(inChannels, outChannels, 3, stride: 2, padding: 1, hasBias: false);
        bn1 = nn.BatchNorm2d(outChannels);
        conv2 = new SafeConv2d(outChannels, outChannels, 3, stride: 1, padding: 1, hasBias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        shortcut = new SafeConv2d(inChannels, outChannels, 1, stride: 2, padding: 0, hasBias: false);
        bnShortcut = nn.BatchNorm2d(outChannels);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = relu1.call(bn1.call(conv1.call(x)));
        h = bn2.call(conv2.call(h));
        return relu2.call(h + bnShortcut.call(shortcut.call(x))).MoveToOuterDisposeScope();
    }
}

/// <summary>A pre-norm causal transformer block of the toy text encoder.</summary>
public sealed class ToyTextBlock : nn.Module<Tensor, Tensor>
{
    readonly LayerNorm ln1, ln2;
    readonly Linear qkv, proj, fc, fcOut;
    readonly GELU gelu = nn.GELU();
    readonly int _heads;

    /// <summary>A block of width <paramref name="width"/> with <paramref name="heads"/> attention heads.</summary>
    public ToyTextBlock(string name, int width, int heads) : base(name)
    {
        _heads = heads;
        ln1 = nn.LayerNorm(width);
        qkv = nn.Linear(width, 3 * width);
        proj = nn.Linear(width, width);
        ln2 = nn.LayerNorm(width);
        fc = nn.Linear(width, 4 * width);
        fcOut = nn.Linear(4 * width, width);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], t = x.shape[1], w = x.shape[2], d = w / _heads;
        var parts = qkv.call(ln1.call(x)).view(n, t, 3, _heads, d).permute(2, 0, 3, 1, 4);   // [3, N, heads, T, d]
        var scores = parts[0].matmul(parts[1].transpose(-1, -2)) / Math.Sqrt(d);
        var mask = ones(t, t, dtype: ScalarType.Bool, device: x.device).triu(1);
        var attention = scores.masked_fill(mask, double.NegativeInfinity).softmax(-1);
        var mixed = attention.matmul(parts[2]).permute(0, 2, 1, 3).reshape(n, t, w);
        var h = x + proj.call(mixed);
        return (h + fcOut.call(gelu.call(fc.call(ln2.call(h))))).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The toy CLIP: an image tower (<see cref="ToyTower"/>: notebook 04's small residual CNN, whose last convolutional layer
/// <c>visual.stage4</c> (128 units, 4×4) is the layer studied for multimodal units; a ViT; a ConvNeXt) and a two-layer causal text
/// transformer of width 128; both project into a shared 128-d space, compared by cosine similarity scaled by a learned temperature,
/// as in CLIP. As a <see cref="Hooks.HookedModel"/> module its forward pass runs the image tower (pictures [N, 3, 64, 64] in [0, 1] →
/// embeddings [N, 128]); the tower's layers are under <c>visual.</c>, e.g. <c>visual.blocks.3.attn.hook_result</c> for the ViT.
/// </summary>
public sealed class ToyClipModel : nn.Module<Tensor, Tensor>, IClipModel
{
    /// <summary>Width of the shared embedding space and of the text transformer.</summary>
    public const int Width = 128;

    readonly ToyClipPreprocess preprocess = new();
    readonly nn.Module<Tensor, Tensor> visual;
    readonly Linear? visualProjection;
    readonly Embedding tokenEmbedding;
    readonly Parameter positionalEmbedding;
    readonly Sequential transformer;
    readonly LayerNorm lnFinal;
    readonly Linear textProjection;
    readonly Parameter logitScale;

    /// <summary>The ViT tower's shape: 8×8 patches of 8 px (64 tokens and the class token), width 128, 4 blocks of 4 heads.</summary>
    public static VitSettings VitSettings { get; } = new(ImageSize: ToyDataset.ImageSize, Patch: 8, Width: 128, Layers: 4, Heads: 4, MlpRatio: 4, OutputDim: Width);

    /// <summary>
    /// A freshly initialized model with image tower <paramref name="tower"/>; the weights depend only on <paramref name="seed"/> (it
    /// seeds TorchSharp's global generator). The CNN's parameter names are those of the weights shipped before the other towers existed.
    /// </summary>
    public ToyClipModel(long seed = 0, ToyTower tower = ToyTower.Cnn) : base("toy-clip")
    {
        using var _ = no_grad();
        manual_seed(seed);
        Tower = tower;
        (visual, visualProjection) = tower switch
        {
            // Four stages straight from the pixels, as the recipe has it: 64 → 32 → 16 → 8 → 4; mean-pooled and projected here.
            ToyTower.Cnn => ((nn.Module<Tensor, Tensor>)nn.Sequential(
                ("stage1", new ToyStage("stage1", 3, 16)),
                ("stage2", new ToyStage("stage2", 16, 32)),
                ("stage3", new ToyStage("stage3", 32, 64)),
                ("stage4", new ToyStage("stage4", 64, 128))), nn.Linear(128, Width)),
            // The other towers end in their own projection, as CLIP's ViT does.
            ToyTower.Vit => (new VitImageTower("visual", VitSettings, seed), null),
            ToyTower.ConvNeXt => (new ConvNeXtImageTower("visual", ConvNeXtSettings.Toy with { OutputDim = Width }, seed), (Linear?)null),
            _ => throw new ArgumentOutOfRangeException(nameof(tower), tower, $"Image towers: {string.Join(", ", Enum.GetNames<ToyTower>())}."),
        };
        tokenEmbedding = nn.Embedding(ToyVocabulary.Words.Count, Width);
        positionalEmbedding = new Parameter(randn(ToyVocabulary.ContextLength, Width) * 0.01);
        transformer = nn.Sequential(("0", new ToyTextBlock("0", Width, 4)), ("1", new ToyTextBlock("1", Width, 4)));
        lnFinal = nn.LayerNorm(Width);
        textProjection = nn.Linear(Width, Width);
        logitScale = new Parameter(tensor((float)Math.Log(1 / 0.07)));
        RegisterComponents();
    }

    /// <summary>The image tower's architecture.</summary>
    public ToyTower Tower { get; }

    /// <summary>The image tower (under <c>visual.</c>); for the CNN, the four stages without the pooling and projection.</summary>
    public nn.Module<Tensor, Tensor> Visual => visual;

    /// <summary>The learned log temperature: similarities are multiplied by its exp, at most 100 (<see cref="LogitScale"/>).</summary>
    public Tensor LogLogitScale => logitScale;

    /// <inheritdoc/>
    public double LogitScale
    {
        get
        {
            using var scope = NewDisposeScope();
            return logitScale.detach().exp().clamp_max(100).item<float>();
        }
    }

    /// <inheritdoc/>
    public int ImageSize => ToyDataset.ImageSize;

    /// <summary>Token rows [N, 8] in the toy vocabulary (<see cref="ToyVocabulary.EncodeAll"/>).</summary>
    public Tensor Tokenize(IReadOnlyList<string> texts) => ToyVocabulary.EncodeAll(texts);

    /// <summary>Image embeddings [N, 128] (not normalized) of pictures [N, 3, 64, 64] in [0, 1].</summary>
    public Tensor EncodeImage(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = visual.call(preprocess.call(images));
        return (visualProjection is null ? x : visualProjection.call(x.mean([2, 3]))).MoveToOuterDisposeScope();
    }

    /// <summary>Text embeddings [N, 128] (not normalized) of token rows [N, 8], read at each row's end token.</summary>
    public Tensor EncodeText(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var x = tokenEmbedding.call(tokens) + positionalEmbedding;
        x = lnFinal.call(transformer.call(x));
        var end = (tokens == ToyVocabulary.End).to(ScalarType.Int64).argmax(1);
        var picked = x[arange(tokens.shape[0], device: tokens.device), end];
        return textProjection.call(picked).MoveToOuterDisposeScope();
    }

    /// <summary>Image-by-text logits [N_images, N_texts]: cosine similarity × exp(logit scale) (scale capped at 100).</summary>
    public Tensor Logits(Tensor imageEmbeddings, Tensor textEmbeddings)
    {
        ClipEmbeddings.RequireComparable(imageEmbeddings, textEmbeddings, Width);
        using var scope = NewDisposeScope();
        var i = nn.functional.normalize(imageEmbeddings, dim: 1);
        var t = nn.functional.normalize(textEmbeddings, dim: 1);
        return (logitScale.exp().clamp_max(100) * i.matmul(t.t())).MoveToOuterDisposeScope();
    }

    /// <summary>CLIP's symmetric contrastive loss for matching pictures and captions of one batch.</summary>
    public Tensor ContrastiveLoss(Tensor images, Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var logits = Logits(EncodeImage(images), EncodeText(tokens));
        var labels = arange(logits.shape[0], device: logits.device);
        var loss = (nn.functional.cross_entropy(logits, labels) + nn.functional.cross_entropy(logits.t(), labels)) / 2;
        return loss.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor images) => EncodeImage(images);
}
