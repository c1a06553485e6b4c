using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Models;

/// <summary>
/// InceptionV1 (GoogLeNet) as in Lucid's <c>inception5h</c> and Lucent's PyTorch port: the same
/// state-dict keys (<c>mixed3a_1x1_pre_relu_conv.weight</c>, …), the same hook names
/// (<c>conv2d0</c>, <c>mixed3b</c>, <c>mixed4a_3x3_pre_relu_conv</c>, <c>softmax2</c>, …) in the same order,
/// and the same arithmetic: TensorFlow-style asymmetric padding, local response normalization, 1008
/// classes. Unlike Lucent's, this module takes library images (RGB in [0, 1]) and applies the
/// inception5h input transform x·255 − 117 itself (module <c>preprocess</c>). The final pooling is
/// adaptive, which equals Lucent's 7×7 average pool at 224 px and keeps other sizes working.
/// </summary>
public sealed class InceptionV1 : nn.Module<Tensor, Tensor>
{
    /// <summary>One inception block: input channels and the widths of its branches.</summary>
    public sealed record MixedBlock(string Name, int In, int C1x1, int C3x3Bottleneck, int C3x3, int C5x5Bottleneck, int C5x5, int PoolReduce)
    {
        /// <summary>Output channels (the four branches concatenated).</summary>
        public int Out => C1x1 + C3x3 + C5x5 + PoolReduce;
    }

    /// <summary>The nine inception blocks of inception5h.</summary>
    public static readonly IReadOnlyList<MixedBlock> Blocks =
    [
        new("mixed3a", 192, 64, 96, 128, 16, 32, 32),
        new("mixed3b", 256, 128, 128, 192, 32, 96, 64),
        new("mixed4a", 480, 192, 96, 204, 16, 48, 64),
        new("mixed4b", 508, 160, 112, 224, 24, 64, 64),
        new("mixed4c", 512, 128, 128, 256, 24, 64, 64),
        new("mixed4d", 512, 112, 144, 288, 32, 64, 64),
        new("mixed4e", 528, 256, 160, 320, 32, 128, 128),
        new("mixed5a", 832, 256, 160, 320, 48, 128, 128),
        new("mixed5b", 832, 384, 192, 384, 48, 128, 128),
    ];

    /// <summary>Number of classes (1000 ImageNet classes plus 8 unused, as in the TensorFlow graph).</summary>
    public const int Classes = 1008;

    readonly Dictionary<string, nn.Module<Tensor, Tensor>> _m = new(StringComparer.Ordinal);
    readonly InceptionPreprocess _preprocess = new();

    /// <summary>Creates the network with PyTorch's default initialization; load weights to use it.</summary>
    public InceptionV1() : base(nameof(InceptionV1))
    {
        // Registration order follows Lucent's, so the hook names come out in the same order.
        Conv("conv2d0", 3, 64, 7, stride: 2);
        Conv("conv2d1", 64, 64, 1);
        Conv("conv2d2", 64, 192, 3);
        foreach (var b in Blocks)
        {
            Conv($"{b.Name}_1x1", b.In, b.C1x1, 1);
            Conv($"{b.Name}_3x3_bottleneck", b.In, b.C3x3Bottleneck, 1);
            Conv($"{b.Name}_5x5_bottleneck", b.In, b.C5x5Bottleneck, 1);
            Conv($"{b.Name}_pool_reduce", b.In, b.PoolReduce, 1);
            Conv($"{b.Name}_3x3", b.C3x3Bottleneck, b.C3x3, 3);
            Conv($"{b.Name}_5x5", b.C5x5Bottleneck, b.C5x5, 5);
        }
        Add("softmax2_pre_activation_matmul", nn.Linear(1024, Classes));

        Add("conv2d0", nn.ReLU());
        Add("maxpool0", nn.MaxPool2d(3, stride: 2));
        Add("conv2d1", nn.ReLU());
        Add("conv2d2", nn.ReLU());
        Add("maxpool1", nn.MaxPool2d(3, stride: 2));
        foreach (var b in Blocks)
        {
            Add($"{b.Name}_pool", nn.MaxPool2d(3, stride: 1));
            foreach (var branch in new[] { "1x1", "3x3_bottleneck", "5x5_bottleneck", "pool_reduce", "3x3", "5x5" })
                Add($"{b.Name}_{branch}", nn.ReLU());
            Add(b.Name, nn.Identity()); // the concatenated block output
            if (b.Name == "mixed3b") Add("maxpool4", nn.MaxPool2d(3, stride: 2));
            if (b.Name == "mixed4e") Add("maxpool10", nn.MaxPool2d(3, stride: 2));
        }
        Add("softmax2", nn.Softmax(1));
        register_module("preprocess", _preprocess);
    }

    void Conv(string name, int inC, int outC, int kernel, int stride = 1) =>
        Add($"{name}_pre_relu_conv", new SafeConv2d(inC, outC, kernel, stride: stride));

    void Add(string name, nn.Module<Tensor, Tensor> module)
    {
        _m[name] = module;
        register_module(name, module);
    }

    Tensor Call(string name, Tensor x) => _m[name].call(x);

    static Tensor LocalResponseNorm(Tensor x) => nn.functional.local_response_norm(x, 9, alpha: 9.99999974738e-05, beta: 0.5, k: 1);

    static Tensor PadMinusInfinity(Tensor x, long left, long right, long top, long bottom) =>
        nn.functional.pad(x, [left, right, top, bottom], value: double.NegativeInfinity);

    /// <summary>Runs the network on the preprocessed input x·255 − 117 (Lucent's <c>forward</c>).</summary>
    public Tensor ForwardPreprocessed(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = Call("conv2d0", Call("conv2d0_pre_relu_conv", nn.functional.pad(x, [2, 3, 2, 3])));
        x = LocalResponseNorm(Call("maxpool0", PadMinusInfinity(x, 0, 1, 0, 1)));
        x = Call("conv2d1", Call("conv2d1_pre_relu_conv", x));
        x = Call("conv2d2", Call("conv2d2_pre_relu_conv", nn.functional.pad(x, [1, 1, 1, 1])));
        x = Call("maxpool1", PadMinusInfinity(LocalResponseNorm(x), 0, 1, 0, 1));
        foreach (var b in Blocks)
        {
            x = Mixed(b, x);
            if (b.Name == "mixed3b") x = Call("maxpool4", PadMinusInfinity(x, 0, 1, 0, 1));
            if (b.Name == "mixed4e") x = Call("maxpool10", PadMinusInfinity(x, 0, 1, 0, 1));
        }
        x = nn.functional.adaptive_avg_pool2d(x, 1).reshape(-1, 1024);
        x = Call("softmax2", Call("softmax2_pre_activation_matmul", x));
        return x.MoveToOuterDisposeScope();
    }

    Tensor Mixed(MixedBlock b, Tensor x)
    {
        var n = b.Name;
        Tensor Branch(string branch, Tensor input) => Call($"{n}_{branch}", Call($"{n}_{branch}_pre_relu_conv", input));
        var one = Branch("1x1", x);
        var three = Branch("3x3", nn.functional.pad(Branch("3x3_bottleneck", x), [1, 1, 1, 1]));
        var five = Branch("5x5", nn.functional.pad(Branch("5x5_bottleneck", x), [2, 2, 2, 2]));
        var pool = Branch("pool_reduce", Call($"{n}_pool", PadMinusInfinity(x, 1, 1, 1, 1)));
        return Call(n, cat([one, three, five, pool], 1));
    }

    /// <summary>Maps library images (RGB in [0, 1], NCHW) to class probabilities [N, 1008].</summary>
    public override Tensor forward(Tensor image)
    {
        using var scope = NewDisposeScope();
        return ForwardPreprocessed(_preprocess.call(image)).MoveToOuterDisposeScope();
    }
}
