using Interp.Circuits;
using static TorchSharp.torch;

namespace Interp.Tests.Circuits;

public class UnitEditsTests
{
    static Tensor Image(int seed) => rand([2, 3, 16, 16], generator: new Generator().manual_seed(seed));

    [Fact]
    public void Ablation_changes_exactly_the_targeted_channels_and_nothing_once_the_scope_ends()
    {
        using var model = TinyNets.Model();
        using var x = Image(1);
        using var before = model.RunWithCache(x, "conv2");
        using var original = model.RunWithCache(x, "conv3");                 // before any edit
        using var plain = model.RunWithCache(x, "relu1");
        using (UnitEdits.Zero(model, "conv2", [1]))
        {
            using var edited = model.RunWithCache(x, "conv2");
            Assert.True(edited["conv2"][.., 0].SameAs(before["conv2"][.., 0]));   // untouched channel: bit for bit
            Assert.Equal(0f, edited["conv2"][.., 1].abs().max().item<float>());
            Assert.Equal(1, model.ActiveHookCount);
        }
        Assert.Equal(0, model.ActiveHookCount);
        using var again = model.RunWithCache(x, "conv3");
        Assert.True(again["conv3"].SameAs(original["conv3"]));

        // Mean ablation: the channel takes its mean over a dataset, computed independently here.
        using var data = Image(2);
        using var means = UnitEdits.ChannelMeans(model, "relu1", data, batchSize: 1);
        using var acts = model.RunWithCache(data, "relu1");
        Assert.Equal(acts["relu1"].mean([0, 2, 3]).data<float>().ToArray(), means.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        using (UnitEdits.Mean(model, "relu1", [0], means))
        {
            using var edited = model.RunWithCache(x, "relu1");
            Assert.True((edited["relu1"][.., 0] - means[0]).abs().max().item<float>() == 0);
            Assert.True(edited["relu1"][.., 1].SameAs(plain["relu1"][.., 1]));
        }
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void Edits_are_removed_when_the_forward_pass_throws_and_bad_requests_say_what_is_valid()
    {
        using var model = TinyNets.Model();
        using var x = Image(3);
        using (UnitEdits.Replace(model, "conv2", [0], output => zeros(1)))   // the wrong shape
            Assert.Contains("must be [2, 1, 16, 16]", Assert.Throws<InvalidOperationException>(() => model.Forward(x)).Message);
        Assert.Equal(0, model.ActiveHookCount);
        Assert.Contains("0..1", Assert.Throws<ArgumentOutOfRangeException>(() => UnitEdits.Zero(model, "conv2", [2])).Message);
        Assert.Contains("repeat", Assert.Throws<ArgumentException>(() => UnitEdits.Zero(model, "conv2", [0, 0])).Message);
        Assert.Contains("conv2", Assert.Throws<ArgumentException>(() => UnitEdits.Zero(model, "conv9", [0])).Message);
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void An_artificial_unit_built_on_an_earlier_layer_replaces_a_channel_in_the_same_pass()
    {
        using var model = TinyNets.Model();
        using var x = Image(4);
        // The replacement: conv2's channel 1 becomes twice relu1's channel 0 (an "artificial unit" with hand-set weights).
        using (UnitEdits.ReplaceFrom(model, "conv2", [1], "relu1", h1 => 2 * h1[.., 0..1]))
        {
            using var cache = model.RunWithCache(x, "relu1", "conv2");
            Assert.True(cache["conv2"][.., 1].SameAs(2 * cache["relu1"][.., 0]));
        }
        Assert.Equal(0, model.ActiveHookCount);
    }
}
