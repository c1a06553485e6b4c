using System.Security.Cryptography;
using System.Text.Json;
using Interp.Runtime;
using Interp.Clip;
using Interp.Models.ToyClip;
using Interp.ToyWorld;
using Interp.Training;
using Interp.Zoo;
using static TorchSharp.torch;

namespace Interp.Tests.Clip;

public class ToyClipWeightsTests(ITestOutputHelper output)
{
    sealed record Record(ToyTrainingSettings Settings, string Cpu, int Threads, double[] FirstLosses, double FinalLoss, string Sha256, double ZeroShotDrawings,
        double ZeroShotWords);

    static Record Recorded(ToyTower tower = ToyTower.Cnn) =>
        JsonSerializer.Deserialize<Record>(File.ReadAllText(Path.Combine(Path.GetDirectoryName(ToyClipWeights.PathOf(tower))!, "training.json")))!;

    [Theory]
    [InlineData(ToyTower.Cnn)]
    [InlineData(ToyTower.Vit)]
    [InlineData(ToyTower.ConvNeXt)]
    public void The_shipped_weights_are_the_recorded_file_and_load_into_the_model(ToyTower tower)
    {
        var record = Recorded(tower);
        Assert.Equal(tower, record.Settings.Tower);
        Assert.Equal(record.Sha256, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(ToyClipWeights.PathOf(tower)))).ToLowerInvariant());
        Assert.True(new FileInfo(ToyClipWeights.PathOf(tower)).Length <= 5 << 20, "each shipped toy CLIP is at most 5 MB");
        using var model = ToyClipWeights.Load(tower);
        Assert.False(model.training);
        Assert.Equal(tower, model.Tower);
        using var fresh = new ToyClipModel(record.Settings.InitSeed, tower);
        Assert.Contains(model.parameters().Zip(fresh.parameters()), p => !(p.First == p.Second).all().item<bool>());   // trained, not initial
    }

    [Theory]
    [InlineData(ToyTower.Cnn)]
    [InlineData(ToyTower.Vit)]
    [InlineData(ToyTower.ConvNeXt)]
    public void The_recorded_zero_shot_accuracies_come_out_of_the_shipped_weights_through_the_classifier_and_by_hand(ToyTower tower)
    {
        var record = Recorded(tower);
        using var model = ToyClipWeights.Load(tower);
        var measured = ToyClipEvaluation.ZeroShot(model);   // the figures README and the record give: 300 held-out pictures of each kind
        output.WriteLine($"drawings {measured.Drawings:P1} (recorded {record.ZeroShotDrawings:P1}), words {measured.Words:P1} (recorded {record.ZeroShotWords:P1})");
        Assert.Equal(record.ZeroShotDrawings, measured.Drawings);
        Assert.Equal(record.ZeroShotWords, measured.Words);

        // The same count without the library's classifier: the first 300 drawings of the held-out seed, each given the shape
        // whose prompt's text embedding has the largest cosine with the picture's image embedding.
        var data = new ToyDataset(1_000_003);
        var drawings = new List<ToyExample>();
        for (long i = 0; drawings.Count < 300; i++)
            if (data.Example(i) is { Kind: ToyKind.Drawing } e) drawings.Add(e);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var text = model.EncodeText(ToyVocabulary.EncodeAll([.. Enumerable.Range(0, ToyConcepts.Shapes.Count).Select(ToyClipEvaluation.DrawingPrompt)]));
        var image = model.EncodeImage(stack(drawings.Select(d => d.Draw()).ToList()));
        var cosine = (image / image.norm(-1, keepdim: true)).matmul((text / text.norm(-1, keepdim: true)).t());
        var predicted = cosine.argmax(1).data<long>().ToArray();
        int right = drawings.Where((d, i) => predicted[i] == d.Shape).Count();
        Assert.Equal(record.ZeroShotDrawings, right / 300.0);
    }

    [Theory]
    [InlineData(ToyTower.Cnn)]
    [InlineData(ToyTower.Vit)]
    [InlineData(ToyTower.ConvNeXt)]
    public void A_short_run_reproduces_the_recorded_first_losses(ToyTower tower)
    {
        var record = Recorded(tower);
        int steps = Math.Min(3, record.FirstLosses.Length);
        using var model = new ToyClipModel(record.Settings.InitSeed, tower);
        var history = ToyClipTraining.Train(model, record.Settings, stopAfter: steps);
        bool sameMachineKind = record.Cpu == CpuInfo.Current.Summary && record.Threads == get_num_threads();   // model name and vector units
        for (int i = 0; i < steps; i++)
        {
            output.WriteLine($"step {i}: recorded {record.FirstLosses[i]:R}, now {history[i].Loss:R}");
            if (sameMachineKind)
                Assert.Equal(record.FirstLosses[i], history[i].Loss);                       // bitwise: same CPU model and thread count
            else
                Assert.Equal(record.FirstLosses[i], history[i].Loss, 1e-4 * Math.Abs(record.FirstLosses[i]));   // other CPUs round differently
        }
        output.WriteLine(sameMachineKind
            ? "Same CPU model and thread count as the recorded run: compared bit for bit."
            : $"Recorded on '{record.Cpu}' with {record.Threads} threads, run on '{CpuInfo.Current.Summary}' with {get_num_threads()}: compared within 1e-4.");
    }

    [Fact]
    public void Reading_a_picture_names_drawings_as_drawings_and_written_names_as_words()
    {
        using var model = ToyClipWeights.Load();
        var random = new Random(3);
        Tensor Pictures(ToyKind kind) => stack(Enumerable.Range(0, 24).Select(i => (ToyDataset.Example(random, kind, i % 12,
            random.Next(8)) with { Distractor = null }).Draw()).ToList());
        var drawings = ToyClipEvaluation.Read(model, Pictures(ToyKind.Drawing));
        var words = ToyClipEvaluation.Read(model, Pictures(ToyKind.Word));
        Assert.All(drawings.Concat(words), r => Assert.InRange(r.WordProbability, 0, 1));
        int drawingsRead = drawings.Count(r => r.Prompt.StartsWith("a drawing of") && r.WordProbability < 0.5);
        int wordsRead = words.Count(r => r.Prompt.StartsWith("the word") && r.WordProbability > 0.5);
        output.WriteLine($"read as drawings: {drawingsRead}/24; read as words: {wordsRead}/24");
        Assert.True(drawingsRead >= 20 && wordsRead >= 20, $"read as drawings: {drawingsRead}/24; read as words: {wordsRead}/24");
    }

    [Fact]
    public void Colour_accuracy_is_the_share_of_drawings_whose_own_colour_wins_among_their_shapes_eight_colour_prompts()
    {
        using var model = ToyClipWeights.Load();
        var drawings = ToyClipEvaluation.HeldOut(1_000_003, ToyKind.Drawing, 40);
        using var images = stack(drawings.Select(e => e.Draw()).ToList());
        Assert.Equal("a red star", ToyClipEvaluation.ColourPrompt(ToyConcepts.Shape("star"), 0));
        Assert.Equal("an orange arrow", ToyClipEvaluation.ColourPrompt(ToyConcepts.Shape("arrow"), ToyConcepts.Colours.ToList().FindIndex(c => c.Name == "orange")));
        using var prompts = ToyClipEvaluation.ColourPrompts(model, drawings);
        Assert.Equal([40L, 8, 128], prompts.shape);
        // Directly: all 96 prompts through the model's own logits, each drawing compared within its shape's eight.
        string[] every = [.. from s in Enumerable.Range(0, 12) from c in Enumerable.Range(0, 8) select ToyClipEvaluation.ColourPrompt(s, c)];
        Assert.Equal(every, ToyClipEvaluation.AllColourPrompts);                 // shape by shape, colour fastest
        using var all = model.EncodeText(model.Tokenize(every));
        using var logits = model.Logits(model.EncodeImage(images), all).view(40, 12, 8);
        var right = drawings.Select((e, i) => logits[i, e.Shape].argmax().item<long>() == e.Colour).ToArray();
        Assert.Equal(right, ToyClipEvaluation.ColourCorrect(model, images, drawings));
        Assert.Equal(right.Count(r => r) / 40.0, ToyClipEvaluation.ColourAccuracy(model, images, drawings));
        Assert.InRange(right.Count(r => r), 1, 39);                              // neither all nor none: the comparison can tell

        using var direct = nn.functional.normalize(model.EncodeText(model.Tokenize([ToyClipEvaluation.ColourPrompt(drawings[3].Shape, 5)])), dim: 1);
        Assert.True(prompts[3, 5].allclose(direct[0], rtol: 1e-5, atol: 1e-6));
        Assert.Contains("39 pictures for 40 drawings", Assert.Throws<ArgumentException>(() => ToyClipEvaluation.ColourAccuracy(model, images[..39], drawings)).Message);
    }

    [Fact]
    public void The_zoos_toy_vit_reaches_its_patch_tokens_and_class_token_by_name_and_the_others_have_no_views()
    {
        using var vit = ModelZoo.Load("toy-vit");
        Assert.Equal(128, vit.Layer("visual.blocks.3.hook_resid_post/grid").Channels);
        Assert.Equal(128, vit.Layer("visual.blocks.0.hook_resid_post/cls").Channels);
        using var images = stack(ToyClipEvaluation.HeldOut(1_000_003, ToyKind.Word, 2).Select(e => e.Draw()).ToList());
        using (var cache = vit.RunWithCache(images, ["visual.blocks.3.hook_resid_post", "visual.blocks.3.hook_resid_post/grid"]))
        {
            var grid = cache["visual.blocks.3.hook_resid_post/grid"];
            Assert.Equal([2L, 128, 8, 8], grid.shape);
            // Patch token 1 + 8·r + c sits at row r, column c of the grid.
            Assert.True(grid[.., .., 2, 5].equal(cache["visual.blocks.3.hook_resid_post"][.., 1 + 8 * 2 + 5]).all().item<bool>());
        }
        using var cnn = ModelZoo.Load("toy-clip");
        Assert.ThrowsAny<ArgumentException>(() => cnn.Layer("visual.stage4/grid"));
    }
}
