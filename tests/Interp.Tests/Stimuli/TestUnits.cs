using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Tests.Stimuli;

/// <summary>Hand-built units with known tuning, shared by the stimulus and circuit tests.</summary>
static class TestUnits
{
    /// <summary>A unit that detects dark horizontal lines: a 7×7 filter (rows +0.5, 0, −1, 0, +0.5) on each channel, then ReLU.</summary>
    public sealed class HorizontalLineNet : nn.Module<Tensor, Tensor>
    {
        readonly Conv2d conv = nn.Conv2d(3, 1, 7, padding: 3, bias: false);
        readonly ReLU relu = nn.ReLU();

        public HorizontalLineNet() : base("lines")
        {
            RegisterComponents();
            var rowWeights = new float[] { 0, 0.5f, 0, -1, 0, 0.5f, 0 };
            var w = new float[3 * 7 * 7];
            for (int c = 0; c < 3; c++) for (int y = 0; y < 7; y++) for (int x = 0; x < 7; x++) w[(c * 7 + y) * 7 + x] = rowWeights[y];
            using var _ = no_grad();
            conv.weight!.copy_(tensor(w, [1, 3, 7, 7]));
        }

        public override Tensor forward(Tensor x) => relu.call(conv.call(x));
    }
}
