using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using Interp.Clip;
using static TorchSharp.torch;

namespace Interp.Models.Clip;

/// <summary>
/// OpenAI's CLIP with the ModifiedResNet image tower and its causal text transformer, with OpenAI's state-dict
/// keys, so hook names follow them (<c>visual.layer4.2</c>, <c>transformer.resblocks.11</c>). As a module its
/// forward takes the library's images (RGB in [0, 1]), normalizes them with CLIP's mean and std (the <c>preprocess</c>
/// layer, as in every zoo model) and encodes them, so a <see cref="Hooks.HookedModel"/> over it hooks the image tower like any
/// zoo model.
/// <see cref="EncodeImage"/> and <see cref="EncodeText"/> are OpenAI's methods, on already normalized images.
/// </summary>
public sealed class ClipModel : nn.Module<Tensor, Tensor>, IClipModel
{
    readonly Parameter positional_embedding, text_projection, logit_scale;
    readonly ClipVisionTower visual;
    readonly nn.Module<Tensor, Tensor> preprocess = new ClipNormalization();
    readonly nn.Module<Tensor, Tensor> transformer;
    readonly Embedding token_embedding;
    readonly LayerNorm ln_final;

    /// <summary>An untrained model of <paramref name="config"/>.</summary>
    public ClipModel(ClipConfig config) : base(nameof(ClipModel))
    {
        Config = config;
        positional_embedding = new Parameter(randn(config.ContextLength, config.TransformerWidth) * 0.01);
        text_projection = new Parameter(randn(config.TransformerWidth, config.EmbedDim) / Math.Sqrt(config.TransformerWidth));
        logit_scale = new Parameter(tensor(Math.Log(1 / 0.07), dtype: float32));
        register_parameter("positional_embedding", positional_embedding);
        register_parameter("text_projection", text_projection);
        register_parameter("logit_scale", logit_scale);
        register_module("preprocess", preprocess);
        visual = new ClipVisionTower(config);
        register_module("visual", visual);
        var blocks = Enumerable.Range(0, config.TransformerLayers)
            .Select(i => ($"{i}", (nn.Module<Tensor, Tensor>)new ClipResidualBlock(config.TransformerWidth, config.TransformerHeads, causal: true))).ToList();
        transformer = nn.Sequential(("resblocks", nn.Sequential(blocks)));
        register_module("transformer", transformer);
        token_embedding = nn.Embedding(config.VocabSize, config.TransformerWidth);
        register_module("token_embedding", token_embedding);
        ln_final = nn.LayerNorm(config.TransformerWidth);
        register_module("ln_final", ln_final);
        eval();
    }

    /// <summary>The model's shape.</summary>
    public ClipConfig Config { get; }

    /// <summary>The image tower (hook names under <c>visual.</c>).</summary>
    public ClipVisionTower Visual => visual;

    /// <summary>exp(logit_scale): the temperature that turns cosine similarities into logits.</summary>
    public double LogitScale
    {
        get
        {
            using var scope = NewDisposeScope();
            return logit_scale.detach().exp().item<float>();
        }
    }

    /// <summary>Image features [N, embed] of RGB images in [0, 1] [N, 3, H, W]: <see cref="EncodeImage"/>.</summary>
    public override Tensor forward(Tensor image) => EncodeImage(image);

    /// <inheritdoc/>
    public int ImageSize => Config.ImageResolution;

    /// <summary>Image features [N, embed] (not L2-normalized) of RGB images in [0, 1] [N, 3, H, W]: <see cref="ClipPreprocess.Normalize"/>, then <see
    /// cref="EncodeNormalizedImage"/>.</summary>
    public Tensor EncodeImage(Tensor images)
    {
        using var scope = NewDisposeScope();
        return EncodeNormalizedImage(preprocess.call(images)).MoveToOuterDisposeScope();
    }

    /// <summary>Image features [N, embed] of CLIP-normalized images [N, 3, H, W] (<see cref="ClipPreprocess.Normalize"/>); not L2-normalized.</summary>
    public Tensor EncodeNormalizedImage(Tensor normalizedImage)
    {
        if (normalizedImage.ndim != 4 || normalizedImage.shape[1] != 3)
            throw new ArgumentException($"Expected images [N, 3, H, W]; got [{string.Join(", ", normalizedImage.shape)}].", nameof(normalizedImage));
        return visual.call(normalizedImage.to(positional_embedding.dtype));
    }

    /// <summary>Token rows [N, 77] of OpenAI's tokenizer (<see cref="ClipTokenizer.Default"/>); a text longer than 77 tokens is an error.</summary>
    public Tensor Tokenize(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var tokenizer = ClipTokenizer.Default();
        var ids = texts.SelectMany(t => tokenizer.Tokenize(t).Select(i => (long)i)).ToArray();
        return tensor(ids, [texts.Count, ClipTokenizer.ContextLength]);
    }

    /// <summary>Text features [N, embed] of token rows [N, context] (<see cref="ClipTokenizer.Tokenize"/>), read at each row's first end token; not L2-normalized.</summary>
    public Tensor EncodeText(Tensor tokens)
    {
        if (tokens.ndim != 2 || tokens.shape[1] != Config.ContextLength)
            throw new ArgumentException($"Expected token rows [N, {Config.ContextLength}] (ClipTokenizer.Tokenize); got [{string.Join(",", tokens.shape)}].", nameof(tokens));
        using var scope = NewDisposeScope();
        var ids = tokens.to(int64);
        var x = token_embedding.call(ids) + positional_embedding;                     // [N, L, D]
        x = transformer.call(x.permute(1, 0, 2)).permute(1, 0, 2);                   // LND inside
        x = ln_final.call(x);
        var eot = ids.argmax(-1);                                                      // the end token has the highest id
        var picked = x[arange(x.shape[0], device: x.device), eot];
        return picked.matmul(text_projection).MoveToOuterDisposeScope();
    }

    /// <summary>Logits [images, texts]: exp(logit_scale) × cosine similarity of the features, as OpenAI's <c>forward</c>.</summary>
    public Tensor Logits(Tensor imageEmbeddings, Tensor textEmbeddings)
    {
        ClipEmbeddings.RequireComparable(imageEmbeddings, textEmbeddings, Config.EmbedDim);
        using var scope = NewDisposeScope();
        var image = imageEmbeddings / imageEmbeddings.norm(-1, keepdim: true);
        var text = textEmbeddings / textEmbeddings.norm(-1, keepdim: true);
        return (logit_scale.exp() * image.matmul(text.t())).MoveToOuterDisposeScope();
    }

    /// <summary>Keys the TorchScript archives carry besides the state dict (0-dim int64 buffers), dropped on loading as <c>build_model</c> does.</summary>
    public static readonly IReadOnlyList<string> ArchiveOnlyKeys = ["input_resolution", "context_length", "vocab_size"];

    /// <summary>Builds the model a state dict describes (<see cref="ClipConfig.FromShapes"/>) and loads it, strictly.</summary>
    public static ClipModel FromStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        var tensors = stateDict.Where(kv => !ArchiveOnlyKeys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        var config = ClipConfig.FromShapes(tensors.ToDictionary(kv => kv.Key, kv => kv.Value.shape));
        var model = new ClipModel(config);
        var ours = model.state_dict();
        var missing = ours.Keys.Except(tensors.Keys).ToList();
        var extra = tensors.Keys.Except(ours.Keys).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            throw new InvalidDataException($"The state dict does not match {config}: missing {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")}; " +
                $"unexpected {string.Join(", ", extra.Take(5))}{(extra.Count > 5 ? ", …" : "")}.");
        using (no_grad())
            foreach (var (key, target) in ours)
            {
                var source = tensors[key];
                if (!source.shape.SequenceEqual(target.shape))
                    throw new InvalidDataException($"'{key}' has shape [{string.Join(",", source.shape)}]; {config} needs [{string.Join(",", target.shape)}].");
                // Released files hold fp16 weights; the model computes in float32 (as clip.load does on a CPU).
                target.copy_(source.to(target.dtype));
            }
        return model;
    }

    /// <summary>Loads a PyTorch state dict file (<c>torch.save(model.state_dict())</c>) through TorchSharp.PyBridge.</summary>
    public static ClipModel LoadStateDict(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No CLIP state dict at {path}.", path);
        using var stream = File.OpenRead(path);
        var raw = PyTorchUnpickler.UnpickleStateDict(stream);
        var dict = new Dictionary<string, Tensor>();
        foreach (System.Collections.DictionaryEntry e in raw) dict[(string)e.Key] = (Tensor)e.Value!;
        try { return FromStateDict(dict); }
        finally { foreach (var t in dict.Values) t.Dispose(); }
    }

    /// <summary>
    /// Loads a CLIP file as OpenAI's <c>clip.load</c> does: a TorchScript archive (the released <c>RN50.pt</c> …),
    /// else a PyTorch state dict.
    /// </summary>
    public static ClipModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No CLIP model at {path}.", path);
        // TorchScript archives are zip files holding a "constants.pkl"; torch.save state dicts hold "data.pkl" only.
        // A random or truncated file is refused here: handed to libtorch it would end the process (README, "Older Linux").
        System.IO.Compression.ZipArchive zip;
        try { zip = System.IO.Compression.ZipFile.OpenRead(path); }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path} is not a CLIP model: OpenAI's releases (RN50.pt, …) and torch.save state dicts are zip archives, and this file is not one " +
                $"({e.Message}). It may be truncated or another file.", e);
        }
        bool isScript;
        using (zip)
        {
            isScript = zip.Entries.Any(e => e.FullName.EndsWith("/constants.pkl", StringComparison.Ordinal));
            if (!isScript && !zip.Entries.Any(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)))
                throw new InvalidDataException($"{path} is a zip file but neither a TorchScript archive (constants.pkl) nor a torch.save state dict (data.pkl).");
        }
        return isScript ? LoadTorchScript(path) : LoadStateDict(path);
    }

    /// <summary>Loads one of OpenAI's released TorchScript archives (e.g. <c>RN50.pt</c>) with <c>torch.jit.load</c>, taking its parameters and buffers by name.</summary>
    public static ClipModel LoadTorchScript(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No CLIP TorchScript archive at {path}.", path);
        using var script = jit.load(path);
        var dict = new Dictionary<string, Tensor>();
        foreach (var (name, p) in script.named_parameters()) dict[name] = p;
        foreach (var (name, b) in script.named_buffers()) dict[name] = b;
        return FromStateDict(dict);
    }
}

/// <summary>CLIP's image preprocessing: resize the shorter side to the input size (bicubic), centre-crop, normalize with CLIP's mean and std.</summary>
public static class ClipPreprocess
{
    /// <summary>
    /// OpenAI's <c>Resize(size, BICUBIC)</c> then <c>CenterCrop(size)</c> on RGB images in [0, 1] ([3, H, W] or
    /// [N, 3, H, W]): the shorter side becomes <paramref name="size"/> (the longer one size·long/short, truncated),
    /// then the centre square, its offset rounded half to even as torchvision does. Resampling is torch's antialiased
    /// bicubic, which is close to PIL's (OpenAI resizes PIL images) but not bit-identical; values are clamped to [0, 1].
    /// </summary>
    public static Tensor ResizeCenterCrop(Tensor image, int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "The size must be positive (CLIP models: 224, 288, 384 or 448).");
        using var scope = NewDisposeScope();
        var batch = image.ndim == 3 ? image.unsqueeze(0) : image;
        if (batch.ndim != 4 || batch.shape[1] != 3) throw new ArgumentException($"Expected RGB images [3,H,W] or [N,3,H,W]; got [{string.Join(",", image.shape)}].", nameof(image));
        long h = batch.shape[2], w = batch.shape[3];
        (long nh, long nw) = h <= w ? ((long)size, (long)(size * (double)w / h)) : ((long)(size * (double)h / w), (long)size);
        var resized = nh == h && nw == w ? batch : nn.functional.interpolate(batch, [nh, nw], mode: InterpolationMode.Bicubic, align_corners: false, antialias: true);
        long top = (long)Math.Round((nh - size) / 2.0, MidpointRounding.ToEven), left = (long)Math.Round((nw - size) / 2.0, MidpointRounding.ToEven);
        var cropped = resized[.., .., TensorIndex.Slice(top, top + size), TensorIndex.Slice(left, left + size)].clamp(0, 1).contiguous();
        return (image.ndim == 3 ? cropped.squeeze(0) : cropped).MoveToOuterDisposeScope();
    }

    /// <summary>CLIP's per-channel mean (RGB).</summary>
    public static readonly float[] Mean = [0.48145466f, 0.4578275f, 0.40821073f];
    /// <summary>CLIP's per-channel standard deviation (RGB).</summary>
    public static readonly float[] Std = [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>(image − mean) / std per channel, for RGB images in [0, 1] [N, 3, H, W].</summary>
    public static Tensor Normalize(Tensor image)
    {
        using var scope = NewDisposeScope();
        var mean = tensor(Mean, [1, 3, 1, 1], dtype: image.dtype, device: image.device);
        var std = tensor(Std, [1, 3, 1, 1], dtype: image.dtype, device: image.device);
        return ((image - mean) / std).MoveToOuterDisposeScope();
    }
}
