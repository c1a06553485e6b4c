using Interp.FeatureVisualization.Objectives;
using static TorchSharp.torch;

namespace Interp.Tests.FeatureVisualization;

public class ObjectiveTests
{
    static ObjectiveContext Context(long batch = 3)
    {
        var gen = new Generator().manual_seed(11);
        var acts = new Dictionary<string, Tensor>
        {
            ["a"] = randn([batch, 4, 5, 6], generator: gen),
            ["b"] = randn([batch, 8, 3, 3], generator: gen),
        };
        return new ObjectiveContext(acts, rand([batch, 3, 8, 8], generator: gen));
    }

    static float[] V(Tensor t) => t.detach().to(float32).data<float>().ToArray();

    [Fact]
    public void Channel_and_neuron_read_the_right_values()
    {
        var ctx = Context();
        var a = ctx["a"];
        Assert.Equal(V(a[.., 2].mean([1, 2])), V(Objectives.Channel("a:2").Evaluate(ctx)));
        Assert.Equal(V(a[.., 2, 2, 3]), V(Objectives.Neuron("a:2").Evaluate(ctx)));      // centre of 5×6 is (2, 3)
        Assert.Equal(V(a[.., 1, 4, 0]), V(Objectives.Neuron("a:1@4,0").Evaluate(ctx)));
        var only1 = V(Objectives.Channel("a:2", batch: 1).Evaluate(ctx));
        Assert.Equal([0f, V(a[1, 2].mean())[0], 0f], only1);
    }

    [Fact]
    public void Diversity_matches_a_direct_computation_of_lucids_formula()
    {
        var ctx = Context();
        var act = ctx["b"];
        long n = act.shape[0];
        var grams = Enumerable.Range(0, (int)n).Select(i =>
        {
            var f = act[i].flatten(1);                   // [C, P]
            var g = f.matmul(f.t());
            return g / g.norm();
        }).ToList();
        double expected = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (i != j) expected += (grams[i] * grams[j]).sum().item<float>();
        expected /= n;
        Assert.Equal(expected, Objectives.Diversity("b").Total(ctx).item<float>(), 4);
    }

    [Fact]
    public void Direction_total_variation_and_l1_match_direct_computations()
    {
        var ctx = Context();
        var dir = new float[] { 1, -2, 0.5f, 0 };
        var a = ctx["a"];
        var dot = (a * tensor(dir).view(1, 4, 1, 1)).sum(1).mean([1, 2]);
        Assert.Equal(V(dot), V(Objectives.Direction("a", dir).Evaluate(ctx)), new Tol(1e-5f));
        var x = ctx.Input;
        var tv = new float[x.shape[0]];
        var data = x.contiguous().data<float>().ToArray();
        for (int i = 0; i < x.shape[0]; i++)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 8; y++)
                    for (int z = 0; z < 8; z++)
                    {
                        float v = data[((i * 3 + c) * 8 + y) * 8 + z];
                        if (y + 1 < 8) tv[i] += Math.Abs(data[((i * 3 + c) * 8 + y + 1) * 8 + z] - v);
                        if (z + 1 < 8) tv[i] += Math.Abs(data[((i * 3 + c) * 8 + y) * 8 + z + 1] - v);
                    }
        Assert.Equal(tv, V(Objectives.TotalVariation().Evaluate(ctx)), new Tol(1e-4f));
        Assert.Equal(V((x - 0.5).abs().flatten(1).sum(1)), V(Objectives.L1(constant: 0.5).Evaluate(ctx)), new Tol(1e-4f));
    }

    [Fact]
    public void Interpolation_weights_the_two_objectives_across_the_batch()
    {
        var ctx = Context();
        var from = Objectives.Channel("a:0");
        var to = Objectives.Channel("b:3");
        var f = V(from.Evaluate(ctx));
        var t = V(to.Evaluate(ctx));
        var got = V(Objectives.Interpolate(from, to).Evaluate(ctx));
        Assert.Equal(f[0], got[0], 5);
        Assert.Equal(0.5f * f[1] + 0.5f * t[1], got[1], 5);
        Assert.Equal(t[2], got[2], 5);
    }

    [Fact]
    public void Objective_algebra_equals_the_algebra_of_its_parts()
    {
        var ctx = Context();
        var c = Objectives.Channel("a:1");
        var n = Objectives.Neuron("b:5@1,1");
        var d = Objectives.Diversity("b");
        var combined = c - 100 * d + 0.5 * (n * c) - n / 4 + 2;
        var expected = V(c.Evaluate(ctx)).Zip(V(n.Evaluate(ctx)), V(d.Evaluate(ctx)))
            .Select(p => p.First - 100 * p.Third + 0.5f * (p.Second * p.First) - p.Second / 4 + 2).ToArray();
        Assert.Equal(expected, V(combined.Evaluate(ctx)), new Tol(1e-4f));
        Assert.Equal(["a", "b"], combined.Layers.Order());
        Assert.Equal(V(c.Evaluate(ctx)).Select(v => -v), V((-c).Evaluate(ctx)));
    }

    [Fact]
    public void Descriptions_read_like_the_maths()
    {
        var obj = Objectives.Channel("layer3:42") - 100 * Objectives.Diversity("layer4");
        Assert.Equal("channel(layer3:42) − 100·diversity(layer4)", obj.Description);
        Assert.Equal("2·(neuron(a:1) + channel(a:2))", (2 * (Objectives.Neuron("a:1") + Objectives.Channel("a:2"))).Description);
        Assert.Equal("channel(a:1, batch 2)", Objectives.Channel("a:1", batch: 2).Description);
    }

    [Fact]
    public void Json_round_trip_preserves_description_and_values()
    {
        var ctx = Context();
        var obj = Objectives.Interpolate(Objectives.Channel("a:1"), Objectives.Neuron("b:2@0,2", batch: 1))
                  - 100 * Objectives.Diversity("b") + 0.25 * Objectives.Direction("a", [1, 0, -1, 2], cossimPow: 1)
                  - Objectives.L2() * Objectives.TotalVariation() - Objectives.Blur() + Objectives.Alignment("a", 3) + 1.5;
        var json = obj.ToJson();
        var back = Objective.FromJson(json);
        Assert.Equal(obj.Description, back.Description);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(V(obj.Evaluate(ctx)), V(back.Evaluate(ctx)));
    }

    [Fact]
    public void Bad_objectives_fail_with_clear_messages()
    {
        var ctx = Context();
        Assert.Contains("valid channels are 0..3", Assert.Throws<ArgumentOutOfRangeException>(() => Objectives.Channel("a:4").Evaluate(ctx)).Message);
        Assert.Contains("Did you mean 'a'", Assert.Throws<KeyNotFoundException>(() => Objectives.Channel("aa:1").Evaluate(ctx)).Message);
        Assert.Contains("images 0..2", Assert.Throws<ArgumentOutOfRangeException>(() => Objectives.Channel("a:1", batch: 3).Evaluate(ctx)).Message);
        Assert.Contains("Unknown objective kind 'chanel'", Assert.Throws<FormatException>(() => Objective.FromJson("{\"kind\":\"chanel\"}")).Message);
        Assert.Contains("4 components but the layer has", Assert.Throws<ArgumentException>(() => Objectives.Direction("b", [1, 2, 3, 4]).Evaluate(ctx)).Message);
    }

    sealed class Tol(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));
        public int GetHashCode(float obj) => 0;
    }
}
