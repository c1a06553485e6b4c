using Interp.Models;
using Interp.Hooks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Tests.Circuits;

/// <summary>Small hand-built networks with known weights for the circuits tests.</summary>
static class TinyNets
{
    /// <summary>
    /// conv1 (3→2, 3×3) → relu1 → conv2 (2→3, 3×3) → relu2 → conv3 (3→2, 3×3), all with seeded random weights and biases,
    /// no padding; with <c>residual</c>, conv3's input is relu2's output plus conv1's output padded… (see forward).
    /// The layers are <see cref="SafeConv2d"/>: on CPUs with libtorch's backward fault, the input gradient of a
    /// 2-output-channel convolution is wrong (often NaN) when computed raw.
    /// </summary>
    public sealed class Chain : nn.Module<Tensor, Tensor>
    {
        // Field names are the layers' hook names (TorchSharp registers modules by field name), so they stay lowercase and private.
        readonly SafeConv2d conv1, conv2, conv3;

        public SafeConv2d Conv1 => conv1;
        public SafeConv2d Conv2 => conv2;
        public SafeConv2d Conv3 => conv3;
        readonly ReLU relu1 = nn.ReLU(), relu2 = nn.ReLU();
        readonly bool _residual;

        public Chain(bool residual, long seed) : base("chain")
        {
            conv1 = new SafeConv2d(3, 2, 3, padding: 1);
            conv2 = new SafeConv2d(2, 2, 3, padding: 1);
            conv3 = new SafeConv2d(2, 2, 3, padding: 1);
            _residual = residual;
            RegisterComponents();
            SeedWeights(this, seed);
        }

        public override Tensor forward(Tensor x)
        {
            var h1 = relu1.call(conv1.call(x));
            var h2 = relu2.call(conv2.call(h1));
            return conv3.call(_residual ? h2 + h1 : h2);
        }
    }

    /// <summary>Every parameter of <paramref name="module"/> drawn from N(0, 0.5²) with one generator of <paramref name="seed"/>, in registration order.</summary>
    static void SeedWeights(nn.Module module, long seed)
    {
        using var _ = no_grad();
        var gen = new Generator().manual_seed(seed);
        foreach (var p in module.parameters()) p.copy_(randn(p.shape, generator: gen) * 0.5);
    }

    public static HookedModel Model(bool residual = false, long seed = 0) => new("chain", new Chain(residual, seed), new InputConvention(16, "identity"));

    /// <summary>
    /// An Inception-like block: conv1 (3→2, 3×3) → relu1, then two branches concatenated into <c>block</c>: channel 0 is
    /// <c>conva</c> (2→1, 3×3) of relu1, linear in it; channel 1 is <c>convb</c> (2→1, 1×1) of a 3×3 max pool of relu1, which is not.
    /// </summary>
    public sealed class Branches : nn.Module<Tensor, Tensor>
    {
        readonly SafeConv2d conv1, conva, convb;
        readonly ReLU relu1 = nn.ReLU();
        readonly MaxPool2d pool = nn.MaxPool2d(3, stride: 1, padding: 1);
        readonly Identity block = nn.Identity();

        public SafeConv2d ConvA => conva;

        public Branches(long seed) : base("branches")
        {
            conv1 = new SafeConv2d(3, 2, 3, padding: 1);
            conva = new SafeConv2d(2, 1, 3, padding: 1);
            convb = new SafeConv2d(2, 1, 1);
            RegisterComponents();
            SeedWeights(this, seed);
        }

        public override Tensor forward(Tensor x)
        {
            var h = relu1.call(conv1.call(x));
            return block.call(cat([conva.call(h), convb.call(pool.call(h))], 1));
        }
    }

    public static HookedModel BranchesModel(long seed = 0) => new("branches", new Branches(seed), new InputConvention(16, "identity"));
}

/// <summary>Exact tensor comparison for the circuits tests (TorchSharp's <c>equal</c> is element-wise).</summary>
static class TensorCompare
{
    /// <summary>Same shape and bit-for-bit the same values.</summary>
    public static bool SameAs(this Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && (a == b).all().item<bool>();
}
