using Interp.Clip;
using Interp.Downloads;
using Interp.Hooks;
using Interp.Runtime;

using Interp.Models;
using Interp.Models.Clip;

namespace Interp.Zoo;

/// <summary>
/// OpenAI's released CLIP models with the ModifiedResNet image tower (RN50, RN101, RN50x4, RN50x16, RN50x64), as
/// zoo entries <c>clip-rn50</c> … <c>clip-rn50x64</c>. Their files are TorchScript archives whose URL contains the
/// file's SHA-256, so every download is pinned. Units are addressed by OpenAI's names, e.g. <c>visual.layer4.5:89</c>
/// (RN50x4, as Microscope). The weights are downloaded by the user into the cache (they are not shipped).
/// </summary>
public static class OpenAiClip
{
    /// <summary>One released model: zoo name, OpenAI's name, input size and pinned file.</summary>
    public sealed record Release(string ZooName, string OpenAiName, int InputSize, double GigabytesApprox, RemoteFile File);

    static Release Make(string openAiName, int size, double gb, string sha256) => new(
        "clip-" + openAiName.ToLowerInvariant(), openAiName, size, gb,
        new RemoteFile($"OpenAI CLIP {openAiName} ({openAiName}.pt)", new Uri($"https://openaipublic.azureedge.net/clip/models/{sha256}/{openAiName}.pt"),
            $"models/clip/{openAiName}.pt", sha256, "MIT (openai/CLIP)"));

    /// <summary>Every release the library builds, with the SHA-256 that OpenAI's URLs carry.</summary>
    public static IReadOnlyList<Release> Releases { get; } =
    [
        Make("RN50", 224, 0.24, "afeb0e10f9e5a86da6080e35cf09123aca3b358a0c3e3b6c78a7b63bc04b6762"),
        Make("RN101", 224, 0.28, "8fa8567bab74a42d41c5915025a8e4538c3bdbe8804a470a72f30b0d94fab599"),
        Make("RN50x4", 288, 0.40, "7e526bd135e493cef0776de27d5f42653e6b4c8bf9e0f653bb11773263205fdd"),
        Make("RN50x16", 384, 0.63, "52378b407f34354e150460fe41077663dd5b39c54cd0bfd2b27167a4a06ec9aa"),
        Make("RN50x64", 448, 1.26, "be1cfb55d75a9666199fb2206c106743da0f6468c9d327f3e0d0a543a9919d9c"),
    ];

    /// <summary>The zoo entries, one per release.</summary>
    public static IReadOnlyList<ZooEntry> Entries { get; } = Releases.Select(r => new ZooEntry(
        r.ZooName,
        $"OpenAI CLIP {r.OpenAiName}: ModifiedResNet image tower and text transformer trained contrastively on 400M image–text pairs; output: image features (EncodeText for " +
            "text).",
        r.File.Url.ToString(),
        r.File.License,
        Input(r.InputSize),
        () => Availability(r),
        () => Load(r.ZooName),
        MainLayers: ["visual.layer1", "visual.layer2", "visual.layer3", "visual.layer4"])).ToList();

    /// <summary>The input convention of a CLIP model of <paramref name="size"/> px.</summary>
    public static InputConvention Input(int size) =>
        new(size, $"normalized with CLIP's mean and std inside; resize the shorter side to {size} and centre-crop first (ClipPreprocess.ResizeCenterCrop), as OpenAI's " +
            "preprocess does");

    static Release Find(string name) =>
        Releases.FirstOrDefault(r => string.Equals(r.ZooName, name, StringComparison.OrdinalIgnoreCase) || string.Equals(r.OpenAiName, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(Text.NearestNames.UnknownMessage("CLIP model", name, [.. Releases.Select(r => r.ZooName)]), nameof(name));

    /// <summary>Whether the release's file is in the cache, and how to get it.</summary>
    public static ModelAvailability Availability(Release release)
    {
        var path = new DownloadCache().PathOf(release.File);
        return new(File.Exists(path), path,
            $"Download it once with OpenAiClip.Download(\"{release.ZooName}\") (about {release.GigabytesApprox:0.##} GB from {release.File.Url.Host}), or place " +
                $"{release.OpenAiName}.pt at {path}.");
    }

    /// <summary>Downloads (once, hash-checked) the release called <paramref name="name"/> (<c>clip-rn50</c> or <c>RN50</c>) and returns its path.</summary>
    public static string Download(string name, IProgress<DownloadProgress>? progress = null) => new DownloadCache().Ensure(Find(name).File, progress);

    /// <summary>Loads a release from the cache (verifying its hash), or a file at <paramref name="path"/> (TorchScript archive or state dict).</summary>
    public static HookedModel Load(string name, string? path = null) => LoadClip(name, path).Hooked;

    /// <summary>As <see cref="Load"/>, with the model's CLIP side too (image and text embeddings, logits).</summary>
    public static HookedClip LoadClip(string name, string? path = null)
    {
        TorchRuntime.EnsureLoaded();
        var release = Find(name);
        if (path is null)
        {
            var cache = new DownloadCache();
            path = cache.PathOf(release.File);
            if (!File.Exists(path)) throw new FileNotFoundException($"CLIP {release.OpenAiName} is not on this machine. {Availability(release).HowToGet}");
            cache.Verify(release.File);
        }
        var model = ClipModel.Load(path);
        return HookedClip.Create(release.ZooName, model, Input(model.Config.ImageResolution));
    }
}
