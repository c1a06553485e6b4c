using static TorchSharp.torch;

namespace Interp.Tests.Circuits;

public class HookFilterTests
{
    [Fact]
    public void Name_filters_select_exactly_the_matching_layers_and_hooks_learn_the_layer_name()
    {
        using var model = TinyNets.Model();
        using var x = rand([1, 3, 16, 16], generator: new Generator().manual_seed(1));
        using var cache = model.RunWithCache(x, name => name.StartsWith("relu", StringComparison.Ordinal));
        Assert.Equal(["relu1", "relu2"], cache.Keys.Order());
        Assert.Contains("conv1", Assert.Throws<ArgumentException>(() => model.RunWithCache(x, name => name == "nothing")).Message);

        var seen = new List<string>();
        using (model.HookAll(name => name.StartsWith("conv", StringComparison.Ordinal), (name, t) => { seen.Add(name); return null; }))
            model.Forward(x).Dispose();
        Assert.Equal(["conv1", "conv2", "conv3"], seen);
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void Several_hooks_at_once_edit_one_pass_and_are_all_removed_even_when_it_throws()
    {
        using var model = TinyNets.Model();
        using var x = rand([1, 3, 16, 16], generator: new Generator().manual_seed(2));
        using var zeroed = model.RunWithHooks(x, ("relu1", t => zeros_like(t)), ("relu2", t => zeros_like(t)));
        // With relu2 at zero, the output is conv3's bias everywhere.
        var bias = ((TinyNets.Chain)model.Module).Conv3.Bias!;
        Assert.True(zeroed[0, .., 5, 5].SameAs(bias));
        Assert.Throws<InvalidOperationException>(() => model.RunWithHooks(x, ("relu1", t => null), ("conv2", t => throw new InvalidOperationException("boom"))));
        Assert.Equal(0, model.ActiveHookCount);
        Assert.Contains("conv2", Assert.Throws<ArgumentException>(() => model.RunWithHooks(x, ("conv22", t => null))).Message);
        Assert.Equal(0, model.ActiveHookCount);
    }
}
