using Interp.Downloads;
using Interp.Hooks;
using Interp.Models.Onnx;
using Interp.Runtime;
using TorchSharp;
using static TorchSharp.torch;

using Interp.Models;

namespace Interp.Zoo;

/// <summary>
/// The ImageNet-trained ResNet-18 shipped as ONNX in the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (a CNTK 2.6 export): stages [2,2,2,3], CNTK's
/// asymmetric padding, no classifier head (the output is the 512-d pooled feature). Converted to a
/// TorchSharp <see cref="ResNet"/> once and cached.
/// </summary>
public static class ResNet18Imagenet
{
    /// <summary>The zoo name.</summary>
    public const string Name = "resnet18";
    /// <summary>The NuGet package that ships the ONNX files.</summary>
    public const string Package = "Microsoft.ML.DnnImageFeaturizer.ResNet18";
    /// <summary>The package version.</summary>
    public const string PackageVersion = "0.23.1";
    /// <summary>Environment variable naming the folder that holds <c>ResNet18Onnx/ResNet18.onnx</c> and <c>ResNetPrepOnnx/ResNetPreprocess.onnx</c>.</summary>
    /// <summary>Blocks per stage in this export (torchvision's ResNet-18 has [2,2,2,2]).</summary>
    public static readonly IReadOnlyList<int> Blocks = [2, 2, 2, 3];

    /// <summary>The zoo entry.</summary>
    public static ZooEntry Entry { get; } = new(
        Name,
        "ResNet-18 trained on ImageNet (CNTK export shipped by ML.NET); stages [2,2,2,3]; outputs 512-d pooled features, no classifier head.",
        $"NuGet package {Package} {PackageVersion} (tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx)",
        "MIT (the NuGet package's licence)",
        new InputConvention(224, "x*255, RGB→BGR, minus ML.NET's 224×224 per-pixel mean image (channel means B 103.06, G 115.90, R 123.15); no std division"),
        Availability,
        () => Load(),
        MainLayers: ["layer1", "layer2", "layer3", "layer4"]);

    /// <summary>Where the ONNX files are, if present.</summary>
    public static ModelAvailability Availability()
    {
        var dir = FindModelFolder();
        return new(dir is not null, dir,
            $"They come with the NuGet package {Package} {PackageVersion}: run 'dotnet restore' in the Interp.Notebooks repository (its library references the package), " +
            $"or set {InterpEnvironment.ResNet18Dir.Name} to a folder holding ResNet18Onnx/ResNet18.onnx and ResNetPrepOnnx/ResNetPreprocess.onnx.");
    }

    static string? FindModelFolder()
    {
        static bool Has(string d) => File.Exists(Path.Combine(d, "ResNet18Onnx", "ResNet18.onnx")) && File.Exists(Path.Combine(d, "ResNetPrepOnnx", "ResNetPreprocess.onnx"));
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable(InterpEnvironment.ResNet18Dir.Name) is { Length: > 0 } env) candidates.Add(env);
        candidates.Add(Path.Combine(AppContext.BaseDirectory, "DnnImageModels"));
        candidates.Add(Path.Combine(InterpPaths.NuGetRoot(), Package.ToLowerInvariant(), PackageVersion, "tools", "DnnImageModels"));
        return candidates.FirstOrDefault(Has);
    }

    /// <summary>Path of the ResNet-18 ONNX graph.</summary>
    public static string OnnxPath => Path.Combine(RequireFolder(), "ResNet18Onnx", "ResNet18.onnx");
    /// <summary>Path of the preprocessing ONNX graph.</summary>
    public static string PreprocessOnnxPath => Path.Combine(RequireFolder(), "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    static string RequireFolder() => FindModelFolder() ?? throw new FileNotFoundException($"ResNet-18's ONNX files were not found. {Availability().HowToGet}");

    /// <summary>An untrained model with this export's architecture (for tests and custom weights).</summary>
    public static ResNet CreateArchitecture(Tensor? meanImageBgr = null)
    {
        TorchRuntime.EnsureLoaded();
        using var mean = meanImageBgr is null ? zeros(1, 3, 224, 224) : null;
        return new ResNet(Name, Blocks, ResNetPadding.CntkAsymmetric, new CntkResNetPreprocess(meanImageBgr ?? mean!));
    }

    /// <summary>
    /// Loads the model with its real weights. The first call converts the ONNX graph and caches the
    /// result under <see cref="InterpPaths.CacheRoot"/>; later calls load the cache.
    /// </summary>
    public static HookedModel Load(bool useCache = true)
    {
        TorchRuntime.EnsureLoaded();
        var onnxPath = OnnxPath;
        var prepPath = PreprocessOnnxPath;
        var cache = Path.Combine(InterpPaths.CacheRoot, "models", $"{Name}-{DownloadCache.Sha256Of(onnxPath)[..16]}-{DownloadCache.Sha256Of(prepPath)[..8]}.weights");
        var model = CreateArchitecture();
        if (useCache && File.Exists(cache))
        {
            model.load(cache);
        }
        else
        {
            Convert(model, onnxPath, prepPath);
            if (useCache)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
                var temp = cache + "." + Environment.ProcessId + ".tmp";
                model.save(temp);
                File.Move(temp, cache, overwrite: true);
            }
        }
        return new HookedModel(Name, model, Entry.Input);
    }

    /// <summary>Copies the weights of the ONNX files into <paramref name="model"/>.</summary>
    public static void Convert(ResNet model, string onnxPath, string preprocessOnnxPath)
    {
        using var scope = NewDisposeScope();
        var onnx = OnnxModel.Load(onnxPath);
        var state = CntkResNetConverter.StateDict(onnx, Blocks);
        var prep = OnnxModel.Load(preprocessOnnxPath);
        var mean = prep.Initializers.Values.SingleOrDefault(t => t.Dims.Length == 4 && t.Dims[1] == 3)
            ?? throw new InvalidDataException($"'{preprocessOnnxPath}' has no [1,3,H,W] mean image.");
        var order = prep.Nodes.FirstOrDefault(n => n.OpType == "Concat");
        if (order is null || order.Inputs.Count != 3 || !order.Inputs[0].StartsWith('B') || !order.Inputs[2].StartsWith('R'))
            throw new InvalidDataException($"'{preprocessOnnxPath}' does not reorder RGB to BGR as expected.");
        state["preprocess.mean_image"] = tensor(mean.Data, mean.Dims);
        CntkResNetConverter.CopyInto(model, state);
    }
}
