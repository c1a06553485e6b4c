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

    /// <summary>Lucid's diversity of <paramref name="act"/> [N, C, H, W] by hand, in double: Σᵢ Σⱼ≠ᵢ ⟨Gᵢ/|Gᵢ|, Gⱼ/|Gⱼ|⟩ / N.</summary>
    static double DiversityByHand(Tensor act)
    {
        int n = (int)act.shape[0], c = (int)act.shape[1], p = (int)(act.shape[2] * act.shape[3]);
        var a = act.contiguous().to(float64).data<double>().ToArray();
        var grams = new double[n][];
        for (int i = 0; i < n; i++)
        {
            var g = new double[c * c];
            for (int u = 0; u < c; u++) for (int v = 0; v < c; v++) for (int k = 0; k < p; k++) g[u * c + v] += a[(i * c + u) * p + k] * a[(i * c + v) * p + k];
            double norm = Math.Sqrt(g.Sum(x => x * x));
            grams[i] = [.. g.Select(x => x / norm)];
        }
        double total = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (i != j) total += grams[i].Zip(grams[j], (x, y) => x * y).Sum();
        return total / n;
    }

    [Fact]
    public void Diversity_matches_a_direct_computation_of_lucids_formula()
    {
        var ctx = Context();
        double expected = DiversityByHand(ctx["b"]);
        Assert.Equal(expected, Objectives.Diversity("b").Total(ctx).item<float>(), 5);
    }

    [Fact]
    public void Diversity_of_a_group_is_lucids_formula_on_those_images_alone_and_zero_elsewhere()
    {
        var ctx = Context(5);
        var group = Objectives.Diversity("b", first: 1, count: 3);
        var values = V(group.Evaluate(ctx));
        Assert.Equal(0f, values[0]);
        Assert.Equal(0f, values[4]);
        Assert.Equal(DiversityByHand(ctx["b"].narrow(0, 1, 3)), group.Total(ctx).item<float>(), 5);
        // Two groups side by side: the sum of each group's formula; the JSON form round-trips.
        var both = Objectives.Diversity("b", 0, 2) + Objectives.Diversity("b", 2, 3);
        Assert.Equal(DiversityByHand(ctx["b"].narrow(0, 0, 2)) + DiversityByHand(ctx["b"].narrow(0, 2, 3)), both.Total(ctx).item<float>(), 5);
        var again = Objective.FromJson(group.ToJson());
        Assert.Equal(group.Description, again.Description);
        Assert.Equal(group.Total(ctx).item<float>(), again.Total(ctx).item<float>());
        Assert.Contains("images 1–3", group.Description);
        // Refused: half a group, a group of one, a group past the batch.
        Assert.Contains("both first and count", Assert.Throws<ArgumentException>(() => Objectives.Diversity("b", first: 1)).Message);
        Assert.Contains("at least 2", Assert.Throws<ArgumentOutOfRangeException>(() => Objectives.Diversity("b", 0, 1)).Message);
        Assert.Contains("images 0..4", Assert.Throws<ArgumentOutOfRangeException>(() => Objectives.Diversity("b", 4, 2).Total(ctx)).Message);
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

    public static TheoryData<string> Kinds() => [.. ObjectiveKinds.All.Select(k => k.Name)];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_registered_kind_round_trips_through_json(string name)
    {
        var kind = ObjectiveKinds.Get(name);
        var example = kind.Example();
        var json = example.ToJson();
        Assert.Contains($"\"kind\":\"{name}\"", json);
        var back = Objective.FromJson(json);
        Assert.Equal(example.Description, back.Description);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(example.Layers.Order(), back.Layers.Order());
        Assert.Equal(example.NeedsGradients, back.NeedsGradients);
        Assert.False(string.IsNullOrWhiteSpace(kind.Summary));
    }

    [Fact]
    public void The_registry_holds_every_kind_once_and_its_error_lists_them()
    {
        var names = ObjectiveKinds.All.Select(k => k.Name).ToList();
        Assert.Equal(names.Distinct().Count(), names.Count);
        Assert.Equal(18, names.Count);
        var e = Assert.Throws<FormatException>(() => ObjectiveKinds.Get("chanel"));
        foreach (var n in names) Assert.Contains(n, e.Message);
    }

    [Theory]
    [InlineData("{\"kind\":\"channel\",\"unit\":3}", "\"unit\" must be a string; got 3")]
    [InlineData("{\"kind\":\"channel\",\"unit\":\"layer3:x\"}", "\"unit\" is not a unit")]
    [InlineData("{\"kind\":\"channel\",\"unit\":\"a:1\",\"batch\":\"two\"}", "\"batch\" must be a non-negative integer")]
    [InlineData("{\"kind\":\"l1\",\"layer\":\"input\",\"constant\":\"half\"}", "\"constant\" must be a number; got \"half\"")]
    [InlineData("{\"kind\":\"direction\",\"layer\":\"a\",\"vector\":{\"x\":1},\"cossim_pow\":0}", "\"vector\" must be an array of numbers")]
    [InlineData("{\"kind\":\"direction\",\"layer\":\"a\",\"vector\":[1,\"y\"],\"cossim_pow\":0}", "\"vector\" must be an array of numbers; got \"y\"")]
    [InlineData("{\"kind\":\"add\",\"left\":{\"kind\":\"blur\"},\"right\":7}", "\"right\" must be an objective")]
    [InlineData("{\"kind\":\"diversity\"}", "lacks \"layer\"")]
    [InlineData("{\"kind\":5}", "\"kind\" must be a string")]
    [InlineData("[1, 2]", "must be an object")]
    [InlineData("{\"kind\":", "does not parse")]
    public void Malformed_json_names_the_field_and_what_it_must_be(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => Objective.FromJson(json));
        Assert.Contains(expected, e.Message);
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

    [Fact]
    public void Totals_reduce_the_batch_as_lucid_does()
    {
        var ctx = Context(4);
        var a = ctx["a"];
        var x = ctx.Input;
        double T(Objective o) => o.Total(ctx).item<float>();
        // Lucid: channel = reduce_mean(T(layer)[..., n]) over batch and positions.
        Assert.Equal(a[.., 2].mean().item<float>(), T(Objectives.Channel("a:2")), 5);
        // Lucid: neuron returns layer[:, y, x, n], a vector that TensorFlow's gradient sums.
        Assert.Equal(a[.., 2, 2, 3].sum().item<float>(), T(Objectives.Neuron("a:2")), 4);
        // Lucid: direction = reduce_mean(Σ_c act·v) over batch and positions.
        var dir = new float[] { 1, -2, 0.5f, 0 };
        Assert.Equal((a * tensor(dir).view(1, 4, 1, 1)).sum(1).mean().item<float>(), T(Objectives.Direction("a", dir)), 5);
        // Lucid: L1 and TV are sums over the batch; L2 takes one square root over the whole batch. By hand, in double, over every value.
        var xs = x.contiguous().to(float64).data<double>().ToArray();   // [4, 3, 8, 8]
        double X(int i, int k, int y, int z) => xs[((i * 3 + k) * 8 + y) * 8 + z];
        double l1 = xs.Sum(v => Math.Abs(v - 0.5)), tv = 0;
        for (int i = 0; i < 4; i++) for (int k = 0; k < 3; k++) for (int y = 0; y < 8; y++) for (int z = 0; z < 8; z++)
        {
            if (y + 1 < 8) tv += Math.Abs(X(i, k, y + 1, z) - X(i, k, y, z));
            if (z + 1 < 8) tv += Math.Abs(X(i, k, y, z + 1) - X(i, k, y, z));
        }
        Assert.Equal(l1, T(Objectives.L1(constant: 0.5)), l1 * 1e-6);
        Assert.Equal(Math.Sqrt(1e-6 + xs.Sum(v => (v - 0.25) * (v - 0.25))), T(Objectives.L2(constant: 0.25)), 1e-5);
        Assert.Equal(tv, T(Objectives.TotalVariation()), tv * 1e-6);
        // A batch variant is that image's own value (Lucid evaluates it on T(layer)[batch]).
        Assert.Equal(a[1, 2].mean().item<float>(), T(Objectives.Channel("a:2", batch: 1)), 5);
        Assert.Equal(Math.Sqrt(1e-6 + x[2].pow(2).sum().item<float>()), T(Objectives.L2(batch: 2)), 3);
        // Composition acts on totals: a constant once, products of totals.
        var c = Objectives.Channel("a:1");
        var n = Objectives.Neuron("b:5@1,1");
        Assert.Equal(T(c) + 2, T(c + 2), 5);
        Assert.Equal(T(c) * T(n), T(c * n), 4);
        // Lucid's balance: channel − k·diversity is mean − k·Σᵢ Σⱼ≠ᵢ/N at any batch size.
        var d = Objectives.Diversity("b");
        Assert.Equal(T(c) - 10 * T(d), T(c - 10 * d), 4);
        Assert.Equal(DiversityByHand(ctx["b"]), T(d), 5);
    }

    [Fact]
    public void L2_blur_alignment_direction_and_cosine_match_reference_loops()
    {
        var ctx = Context(3);
        var x = ctx.Input;                                        // [3, 3, 8, 8]
        var xd = x.contiguous().data<float>().ToArray();
        int n = 3, ch = 3, hw = 8;
        float X(int i, int c, int y, int z) => xd[((i * ch + c) * hw + y) * hw + z];

        // L2 per image: sqrt(1e-6 + Σ (x − 0.3)²).
        var l2 = Enumerable.Range(0, n).Select(i =>
        {
            double sum = 0;
            for (int c = 0; c < ch; c++) for (int y = 0; y < hw; y++) for (int z = 0; z < hw; z++) sum += Math.Pow(X(i, c, y, z) - 0.3, 2);
            return (float)Math.Sqrt(1e-6 + sum);
        }).ToArray();
        Assert.Equal(l2, V(Objectives.L2(constant: 0.3).Evaluate(ctx)), new Tol(1e-5f));

        // Blur: Lucid's _tf_blur, a 3×3 kernel of 0.5 with 1 at the centre over the pixels that exist,
        // divided by the kernel's sum over those same pixels; the objective is ½Σ(x − blur(x))².
        var blur = new float[n];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < ch; c++)
                for (int y = 0; y < hw; y++)
                    for (int z = 0; z < hw; z++)
                    {
                        double num = 0, den = 0;
                        for (int dy = -1; dy <= 1; dy++)
                            for (int dz = -1; dz <= 1; dz++)
                            {
                                int yy = y + dy, zz = z + dz;
                                if (yy < 0 || yy >= hw || zz < 0 || zz >= hw) continue;
                                double k = dy == 0 && dz == 0 ? 1 : 0.5;
                                num += k * X(i, c, yy, zz);
                                den += k;
                            }
                        blur[i] += (float)(0.5 * Math.Pow(X(i, c, y, z) - num / den, 2));
                    }
        Assert.Equal(blur, V(Objectives.Blur().Evaluate(ctx)), new Tol(1e-4f));
        // At a corner Lucid's blur averages the 4 pixels present with weights 1, .5, .5, .5 — no darkening.
        using var flat = full([1, 1, 5, 5], 0.7f);
        using var blurredFlat = Objectives.LucidBlur(flat);
        Assert.True((blurredFlat - 0.7f).abs().max().item<float>() < 1e-6f);

        // Alignment: −Σ_d Σ_i mean((act_i − act_{i+d})²) / ratio^d, credited to image i.
        var act = ctx["b"];                                       // [3, 8, 3, 3]
        var ad = act.contiguous().data<float>().ToArray();
        int per = 8 * 3 * 3;
        var align = new float[n];
        for (int d = 1; d <= 4; d++)
            for (int i = 0; i + d < n; i++)
            {
                double sum = 0;
                for (int k = 0; k < per; k++) sum += Math.Pow(ad[i * per + k] - ad[(i + d) * per + k], 2);
                align[i] -= (float)(sum / per / Math.Pow(3, d));
            }
        Assert.Equal(align, V(Objectives.Alignment("b", 3).Evaluate(ctx)), new Tol(1e-5f));

        // Direction with a cosine power, and the plain cosine, per position then averaged over positions.
        var a = ctx["a"];                                         // [3, 4, 5, 6]
        var aa = a.contiguous().data<float>().ToArray();
        var v = new float[] { 0.5f, -1, 2, 0.25f };
        double vNorm = Math.Sqrt(v.Sum(t => t * t));
        var dirPow = new float[n];
        var cosine = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int p = 0; p < 30; p++)
            {
                double dot = 0, norm = 0;
                for (int c = 0; c < 4; c++)
                {
                    double av = aa[(i * 4 + c) * 30 + p];
                    dot += av * v[c];
                    norm += av * av;
                }
                double cos = dot / (Math.Sqrt(norm) + 1e-4) / (vNorm + 1e-4);
                dirPow[i] += (float)(dot * Math.Pow(Math.Max(0.1, cos), 2) / 30);
                cosine[i] += (float)(cos / 30);
            }
        }
        Assert.Equal(dirPow, V(Objectives.Direction("a", v, cossimPow: 2).Evaluate(ctx)), new Tol(1e-5f));
        Assert.Equal(cosine, V(Objectives.DirectionCosine("a", v).Evaluate(ctx)), new Tol(1e-5f));
    }

    [Fact]
    public void A_zero_or_non_finite_direction_is_rejected()
    {
        Assert.Contains("all zeros", Assert.Throws<ArgumentException>(() => Objectives.Direction("a", new float[4])).Message);
        Assert.Contains("all zeros", Assert.Throws<ArgumentException>(() => Objectives.DirectionCosine("a", new float[4])).Message);
        Assert.Contains("non-finite component at index 1", Assert.Throws<ArgumentException>(() => Objectives.Direction("a", [1, float.NaN])).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => Objectives.Direction("a", [])).Message);
    }

    [Fact]
    public void Objectives_of_the_image_alone_read_no_model_layer()
    {
        var penalties = Objectives.L1() + Objectives.L2() + Objectives.TotalVariation() + Objectives.Blur();
        Assert.Empty(penalties.ModelLayers);
        Assert.Equal(["layer2"], (penalties + Objectives.Channel("layer2:1")).ModelLayers);
    }

    sealed class Tol(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));
        public int GetHashCode(float obj) => 0;
    }
}
