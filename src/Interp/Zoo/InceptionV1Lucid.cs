using Interp.Downloads;
using Interp.Hooks;
using Interp.Runtime;
using TorchSharp;
using TorchSharp.PyBridge;

using Interp.Models;

namespace Interp.Zoo;

/// <summary>
/// InceptionV1 with the weights that Lucid, Lucent and OpenAI Microscope use (<c>inception5h</c>,
/// converted to PyTorch by ProGamerGov). Units are named as in the Circuits thread: <c>mixed3b:379</c>,
/// <c>mixed4a:476</c>. The weights are downloaded by the user into the cache (they are not shipped).
/// </summary>
public static class InceptionV1Lucid
{
    /// <summary>The zoo name.</summary>
    public const string Name = "inceptionv1";

    /// <summary>The weights file. No SHA-256 is published for it: the hash of the first download is recorded and checked from then on (pin it here once known).</summary>
    public static RemoteFile Weights { get; } = new(
        "InceptionV1 weights (inception5h.pth)",
        new Uri("https://github.com/ProGamerGov/pytorch-old-tensorflow-models/raw/master/inception5h.pth"),
        "models/inception5h.pth",
        Sha256: null,
        License: "Apache-2.0 (the TensorFlow inception5h model used by Lucid); PyTorch conversion by ProGamerGov (MIT)");

    /// <summary>
    /// The class names Lucid uses for this model (<c>gs://modelzoo/labels/ImageNet_alternate.txt</c>); no
    /// hash is published, so the first download's hash is recorded. Indices past the file's last line are
    /// named "class i" (the graph has 1008 outputs).
    /// </summary>
    public static RemoteFile LabelsFile { get; } = new(
        "InceptionV1 class labels (Lucid's ImageNet_alternate.txt)",
        new Uri("https://storage.googleapis.com/modelzoo/labels/ImageNet_alternate.txt"),
        "labels/inceptionv1-ImageNet_alternate.txt",
        Sha256: null,
        License: "Apache-2.0 (Lucid model zoo)");

    /// <summary>Downloads (once) and reads the 1008 class labels.</summary>
    public static Models.Labels.ClassLabels Labels(DownloadCache? cache = null) =>
        Models.Labels.ClassLabels.Load((cache ?? new DownloadCache()).Ensure(LabelsFile), InceptionV1.Classes);

    /// <summary>The zoo entry.</summary>
    public static ZooEntry Entry { get; } = new(
        Name,
        "InceptionV1 (GoogLeNet) trained on ImageNet, the Circuits / Microscope model (inception5h, 1008 classes); output: class probabilities (softmax2).",
        Weights.Url.ToString(),
        Weights.License,
        new InputConvention(224, "x*255 − 117 (inception5h's input range [−117, 138]); no per-channel mean or std"),
        Availability,
        () => Load(),
        MainLayers: ["conv2d0", "conv2d1", "conv2d2", .. Models.InceptionV1.Blocks.Select(b => b.Name)]);

    /// <summary>Whether the weights are in the cache, and how to get them.</summary>
    public static ModelAvailability Availability()
    {
        var cache = new DownloadCache();
        var path = cache.PathOf(Weights);
        return new(File.Exists(path), path,
            $"Download them once with InceptionV1Lucid.Download() (about 27 MB from {Weights.Url.Host}), or place inception5h.pth at {path}.");
    }

    /// <summary>Downloads the weights into the cache if needed and returns their path.</summary>
    public static string Download(IProgress<DownloadProgress>? progress = null) => new DownloadCache().Ensure(Weights, progress);

    /// <summary>Loads the model from the cached weights (verifying their hash), or from <paramref name="path"/>.</summary>
    public static HookedModel Load(string? path = null)
    {
        TorchRuntime.EnsureLoaded();
        var cache = new DownloadCache();
        if (path is null)
        {
            path = cache.PathOf(Weights);
            if (!File.Exists(path)) throw new FileNotFoundException($"InceptionV1's weights are not on this machine. {Availability().HowToGet}");
            cache.Verify(Weights);
        }
        var model = new InceptionV1();
        LoadStateDict(model, path);
        return new HookedModel(Name, model, Entry.Input);
    }

    /// <summary>Loads a PyTorch state dict (<c>torch.save(model.state_dict())</c>) with Lucent's keys into <paramref name="model"/>; every key must match.</summary>
    public static void LoadStateDict(InceptionV1 model, string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No state dict at '{path}'.");
        try { model.load_py(path, strict: true); }
        catch (Exception e) when (e is not FileNotFoundException)
        {
            throw new InvalidDataException($"'{path}' is not an InceptionV1 state dict with Lucent's keys ({e.Message}).", e);
        }
    }
}
