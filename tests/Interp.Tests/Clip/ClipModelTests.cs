using Interp.Clip;
using Interp.Hooks;
using Interp.Models.Clip;
using static TorchSharp.torch;

namespace Interp.Tests.Clip;

/// <summary>
/// OpenAI CLIP (ModifiedResNet) against the shared fixture made with OpenAI's own code: keys, the configuration
/// build_model infers, every stored activation within the fixture README's tolerance (max|ours − ref| ≤ 1e-4·max|ref|),
/// and the TorchScript and state-dict loading paths.
/// </summary>
[Trait("Needs", TestPaths.NeedsFixtures)]
public class ClipModelTests(ITestOutputHelper output)
{
    static string Dir => Path.GetDirectoryName(TestPaths.Fixture("clip-modified-resnet-small", "state_dict.pth"))!;

    static void RequireFixture() => TestPaths.Fixture("clip-modified-resnet-small", "state_dict.pth");

    static Tensor ReadFloats(string name, params long[] shape) => FixtureFiles.Floats(Dir, name, shape);

    static Tensor ReadTokens() => FixtureFiles.Longs(Dir, "text_tokens.bin", 4, 77);

    void AssertClose(string what, Tensor expected, Tensor actual, double k = 1e-4)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double err = (expected - actual.to(float32)).abs().max().item<float>();
        output.WriteLine($"{what,-22} max|ours − OpenAI| = {err:E2}  max|ref| = {scale:G4}  ratio = {err / scale:E2}");
        Assert.True(err <= k * scale, $"{what}: max|ours − ref| = {err:E3} exceeds {k} · {scale:G4}");
    }

    [SkippableFact]
    public void Keys_order_shapes_and_configuration_are_openais()
    {
        RequireFixture();
        using var model = ClipModel.LoadStateDict(Path.Combine(Dir, "state_dict.pth"));
        Assert.Equal(new ClipConfig(64, 224, [3, 4, 6, 3], 16, 77, 49408, 64, 1, 2).ToString(), model.Config.ToString());
        var ours = model.state_dict().Select(kv => $"{kv.Key}\t[{string.Join(", ", kv.Value.shape)}]\t{(kv.Value.dtype == ScalarType.Int64 ? "int64" : "float32")}").ToList();
        var expected = File.ReadAllLines(Path.Combine(Dir, "keys.txt")).Where(l => l.Length > 0).ToList();
        // The same keys with the same shapes and dtypes. TorchSharp lists every parameter before every buffer
        // (PyTorch interleaves them module by module), so order is compared within each of the two groups.
        Assert.Equal(expected.Order(StringComparer.Ordinal), ours.Order(StringComparer.Ordinal));
        var buffers = model.named_buffers().Select(b => b.name).ToHashSet();
        bool IsBuffer(string line) => buffers.Contains(line.Split('\t')[0]);
        Assert.Equal(expected.Where(l => !IsBuffer(l)), ours.Where(l => !IsBuffer(l)));
        Assert.Equal(expected.Where(IsBuffer), ours.Where(IsBuffer));
        Assert.Equal(14.2857, model.LogitScale, 3);
    }

    [SkippableTheory]
    [InlineData("state_dict.pth")]   // TorchSharp.PyBridge
    [InlineData("model.jit.pt")]     // torch.jit.load, as OpenAI's released files
    public void Every_stored_activation_and_output_matches_openais_clip(string file)
    {
        RequireFixture();
        using var model = ClipModel.Load(Path.Combine(Dir, file));
        using var hooked = new HookedModel("clip-fixture", model, new InputConvention(224, "RGB in [0,1], normalized with CLIP's mean and std inside"));
        using var unit = ReadFloats("image_unit.bin", 1, 3, 224, 224);     // the fixture's image before CLIP's Normalize
        using var image = ReadFloats("image_input.bin", 1, 3, 224, 224);   // after it
        using var tokens = ReadTokens();
        using var _ = no_grad();
        using (var cache = hooked.RunWithCache(unit, ["visual.avgpool", "visual.layer1", "visual.layer2", "visual.layer3", "visual.layer4"]))
        {
            AssertClose("stem", ReadFloats("act_stem.bin", 1, 16, 56, 56), cache["visual.avgpool"]);
            AssertClose("layer1", ReadFloats("act_layer1.bin", 1, 64, 56, 56), cache["visual.layer1"]);
            AssertClose("layer2", ReadFloats("act_layer2.bin", 1, 128, 28, 28), cache["visual.layer2"]);
            AssertClose("layer3", ReadFloats("act_layer3.bin", 1, 256, 14, 14), cache["visual.layer3"]);
            AssertClose("layer4", ReadFloats("act_layer4.bin", 1, 512, 7, 7), cache["visual.layer4"]);
            AssertClose("image features", ReadFloats("image_features.bin", 1, 64), cache.Output);
        }
        var text = new Dictionary<string, Tensor>();
        using (hooked.Hook("transformer.resblocks.0", t => { text["0"] = t.clone().DetachFromDisposeScope(); return null; }))
        using (hooked.Hook("transformer.resblocks.1", t => { text["1"] = t.clone().DetachFromDisposeScope(); return null; }))
        using (hooked.Hook("ln_final", t => { text["ln"] = t.clone().DetachFromDisposeScope(); return null; }))
        using (var features = model.EncodeText(tokens))
            AssertClose("text features", ReadFloats("text_features.bin", 4, 64), features);
        AssertClose("text resblock 0", ReadFloats("act_text_resblock0.bin", 77, 4, 64), text["0"]);
        AssertClose("text resblock 1", ReadFloats("act_text_resblock1.bin", 77, 4, 64), text["1"]);
        AssertClose("text ln_final", ReadFloats("act_text_ln_final.bin", 4, 77, 64), text["ln"]);
        using var logits = model.Logits(model.EncodeNormalizedImage(image), model.EncodeText(tokens));
        AssertClose("logits per image", ReadFloats("logits_per_image.bin", 1, 4), logits);
    }

    [SkippableFact]
    public void The_torchscript_archive_and_the_state_dict_load_the_same_tensors()
    {
        RequireFixture();
        using var fromDict = ClipModel.LoadStateDict(Path.Combine(Dir, "state_dict.pth"));
        using var fromJit = ClipModel.LoadTorchScript(Path.Combine(Dir, "model.jit.pt"));
        var a = fromDict.state_dict();
        var b = fromJit.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        foreach (var key in a.Keys)
            Assert.True(a[key].to(float64).eq(b[key].to(float64)).all().item<bool>(), $"'{key}' differs between the two loading paths");
    }

    [SkippableFact]
    public void Preprocessing_and_tokens_are_clips()
    {
        RequireFixture();
        using var unit = ReadFloats("image_unit.bin", 1, 3, 224, 224);
        using var normalized = ClipPreprocess.Normalize(unit);
        AssertClose("normalized image", ReadFloats("image_input.bin", 1, 3, 224, 224), normalized, 1e-6);
        using var tokens = ReadTokens();
        var tokenizer = ClipTokenizer.Default();
        string[] prompts = ["a photo of a cat", "a diagram", "a dog", "trash"];
        for (int i = 0; i < prompts.Length; i++)
            Assert.Equal(tokens[i].data<long>().ToArray().Select(v => (int)v), tokenizer.Tokenize(prompts[i]));
    }

    [SkippableFact]
    public void A_state_dict_of_another_model_is_refused_with_what_is_missing()
    {
        RequireFixture();
        var inception = TestPaths.Fixture("inceptionv1-lucent", "state_dict.pth");
        var e = Assert.Throws<InvalidDataException>(() => ClipModel.LoadStateDict(inception));
        Assert.Contains("Not a CLIP state dict", e.Message);
    }
}
