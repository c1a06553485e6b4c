using System.Text.Json;
using System.CommandLine;
using Interp.Cli;
using Interp.Images;
using Interp.Datasets;

namespace Interp.Tests.Cli;

[Collection("resnet18")]
public class InterpCommandTests(ITestOutputHelper output)
{
    /// <summary>Console text with its line wrapping undone (the console wraps long lines at word boundaries).</summary>
    static string Flat(string text) => string.Join(" ", text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = InterpCommand.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    static string SampleFolder()
    {
        var dir = TestPaths.Temp("scan-cli");
        var images = Path.Combine(dir, "images");
        Directory.CreateDirectory(images);
        foreach (var name in SamplePhotos.Names)
        {
            using var img = SamplePhotos.Load(name, 48);
            ImageIO.Save(img, Path.Combine(images, name + ".png"));
        }
        return dir;
    }

    [Fact]
    public void A_microscope_layer_links_to_its_main_layer_neighbours_or_else_to_its_neighbours_in_the_list()
    {
        string[] main = ["layer1", "layer2", "layer3", "layer4"];
        Assert.Equal(("layer1", "layer3"), Interp.Cli.Verbs.MicroscopeVerb.Neighbours(["layer2"], 0, main));
        Assert.Equal((null, "layer2"), Interp.Cli.Verbs.MicroscopeVerb.Neighbours(["layer1", "layer4"], 0, main));
        Assert.Equal(("layer3", null), Interp.Cli.Verbs.MicroscopeVerb.Neighbours(["layer1", "layer4"], 1, main));
        // Not a main layer: its neighbours in the list asked for.
        Assert.Equal(("layer1", "layer3"), Interp.Cli.Verbs.MicroscopeVerb.Neighbours(["layer1", "layer2.0", "layer3"], 1, main));
        Assert.Equal((null, null), Interp.Cli.Verbs.MicroscopeVerb.Neighbours(["layer2.0"], 0, []));
    }

    [Fact]
    public void Training_a_toy_clip_with_another_tower_records_the_tower_and_reproduces_its_first_losses()
    {
        var dir = TestPaths.Temp("train-toy-vit");
        var path = Path.Combine(dir, "toy-vit.bin");
        var (code, text, err) = Run("train", "toy-clip", "--tower", "vit", "--steps", "2", "--batch", "8", "--out", path, "--checkpoint", Path.Combine(dir, "run"));
        output.WriteLine(text + err);
        Assert.True(code == 0, err);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "training.json")));
        var settings = json.RootElement.GetProperty("Settings").Deserialize<Interp.Training.ToyTrainingSettings>()!;
        Assert.Equal(Interp.Models.ToyClip.ToyTower.Vit, settings.Tower);
        Assert.Equal("Vit", json.RootElement.GetProperty("Settings").GetProperty("Tower").GetString());       // by name in the record
        using var model = new Interp.Models.ToyClip.ToyClipModel(settings.InitSeed, settings.Tower);
        var again = Interp.Training.ToyClipTraining.Train(model, settings);
        Assert.Equal(json.RootElement.GetProperty("FirstLosses").EnumerateArray().Select(e => e.GetDouble()), again.Select(s => s.Loss));
        var (zero, _, zeroErr) = Run("train", "toy-clip", "--tower", "vit", "--steps", "0", "--out", path);
        Assert.Equal(2, zero);
        Assert.Contains("--steps must be at least 1; got 0.", zeroErr);
        var (bad, _, badErr) = Run("train", "toy-clip", "--tower", "resnet", "--out", path);
        Assert.Equal(2, bad);
        Assert.Contains("cnn", badErr);
        Assert.Contains("convnext", badErr);
    }

    [Fact]
    public void Training_with_checkpoints_writes_the_trajectory_the_library_writes_and_its_measures_and_compact_copies_load()
    {
        var dir = TestPaths.Temp("train-checkpoints");
        var folder = Path.Combine(dir, "trajectory");
        var (code, text, err) = Run("train", "toy-clip", "--steps", "3", "--batch", "8", "--seed", "3", "--out", Path.Combine(dir, "toy-clip.bin"),
            "--checkpoint", Path.Combine(dir, "run"), "--checkpoints", folder, "--early", "0", "--every", "2");
        output.WriteLine(text + err);
        Assert.True(code == 0, err);
        var trajectory = Interp.Dynamics.Trajectory.Open(folder);
        Assert.Equal([0, 2, 3], trajectory.Steps);                          // 0, every 2 steps, the last
        Assert.Equal(3, trajectory.Settings.InitSeed);

        // The same run through the library writes the same snapshots, bit for bit (the reduced trajectory regenerated).
        var again = Path.Combine(dir, "again");
        using (var model = new Interp.Models.ToyClip.ToyClipModel(3))
            Interp.Training.ToyClipTraining.Train(model, trajectory.Settings, snapshots: new Interp.Training.TrajectoryWriter(again, trajectory.Manifest.Schedule));
        Assert.Equal(trajectory.Manifest.Snapshots, Interp.Dynamics.Trajectory.Open(again).Manifest.Snapshots);

        var record = Interp.Dynamics.TrajectoryRecord.Load(Path.Combine(folder, Interp.Dynamics.TrajectoryRecord.FileName));
        Assert.Equal(trajectory.Steps, record.Measures.Select(m => m.Step));
        Assert.Equal(trajectory.Manifest.Snapshots, record.Snapshots);
        Assert.NotNull(record.TrainingSeconds);
        var (measured, measureText, measureErr) = Run("trajectory", "measure", again);
        Assert.True(measured == 0, measureErr);
        var remeasured = Interp.Dynamics.TrajectoryRecord.Load(Path.Combine(again, Interp.Dynamics.TrajectoryRecord.FileName));
        var json = new System.Text.Json.JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(record.Measures, json), System.Text.Json.JsonSerializer.Serialize(remeasured.Measures, json));
        Assert.Contains("checkpoints in", Flat(measureText));

        var (compacted, compactText, compactErr) = Run("trajectory", "compact", folder, "--steps", "0,3", "--out", Path.Combine(dir, "small"));
        Assert.True(compacted == 0, compactErr);
        Assert.Contains("wrote 2 float16 snapshots", Flat(compactText));
        Assert.Equal([0, 3], Interp.Dynamics.Trajectory.Open(Path.Combine(dir, "small")).Steps);
        var (missing, _, missingErr) = Run("trajectory", "compact", folder, "--steps", "1", "--out", Path.Combine(dir, "small1"));
        Assert.Equal(2, missing);                                             // a step the trajectory lacks is a bad argument
        Assert.Contains("no snapshot of step 1; steps with snapshots: 0, 2, 3", Flat(missingErr));
    }

    [Fact]
    public void Training_a_dictionary_writes_it_with_a_record_that_reproduces_its_first_losses()
    {
        var dir = TestPaths.Temp("train-sae");
        var path = Path.Combine(dir, "toy.dict");
        var (code, text, err) = Run("train", "sae", "--model", "toy-clip", "--layer", "visual.stage4", "--features", "64", "--k", "4", "--steps", "3", "--count", "64",
            "--out", path);
        output.WriteLine(text + err);
        Assert.True(code == 0, err);
        Assert.Contains("(64 features) is smaller than the layer (128 dimensions)", text);                // allowed, but said
        var record = Interp.Dictionary.DictionaryRecord.Load(path);
        Assert.Equal("toy-world", record.Recipe.Images);
        Assert.Equal(3, record.FirstLosses.Length);
        Assert.Equal(record.WeightsSha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path + ".weights"))));
        using var model = Interp.Zoo.ModelZoo.Load("toy-clip");
        using var stream = record.Recipe.Stream(model);
        using var sae = new Interp.Dictionary.SparseAutoencoder(record.Recipe.Settings);
        var again = Interp.Dictionary.SaeTraining.Train(sae, stream);
        Assert.Equal(record.FirstLosses, again.Select(s => s.Loss));                                      // same process kind: bit for bit
        var (loaded, _) = Interp.Dictionary.DictionaryFile.Load(path, "toy-clip", "visual.stage4");
        using (loaded) Assert.True(loaded.Decoder.equal(sae.Decoder).all().item<bool>());
    }

    [Fact]
    public void A_shipped_dictionary_s_features_get_microscope_pages_in_a_folder_of_their_own()
    {
        var dir = TestPaths.Temp("microscope-sae");
        var (code, text, err) = Run("microscope", "--model", "toy-clip", "--layers", "visual.stage4/sae", "--dictionaries", "toy-clip.visual.stage4.topk8.4x.seed1",
            "--units", "0-3", "--steps", "8", "--size", "32", "--diversity", "0", "--out", dir);
        output.WriteLine(text + err);
        Assert.True(code == 0, err);
        var layerDir = Interp.Microscope.MicroscopeSite.LayerFolder(dir, "toy-clip", "visual.stage4/sae");
        Assert.EndsWith("visual.stage4~sae", layerDir);
        foreach (int u in new[] { 0, 1, 2, 3 }) Assert.True(File.Exists(Path.Combine(layerDir, $"{u}.html")), $"no page for feature {u}");
        var page = File.ReadAllText(Path.Combine(layerDir, "0.html"));
        Assert.Contains("visual.stage4/sae:0", page);
        var modelIndex = File.ReadAllText(Path.Combine(dir, "toy-clip", "index.html"));
        Assert.Contains("visual.stage4~sae/index.html", modelIndex);

        var unknown = Run("microscope", "--model", "toy-clip", "--layers", "visual.stage4/sae", "--dictionaries", "toy-clip.nothing", "--out", dir);
        Assert.Equal(2, unknown.Code);
        Assert.Contains("toy-clip.visual.stage4.topk8.4x.seed1", unknown.Err);
        var other = Run("microscope", "--model", "resnet18", "--layers", "layer2", "--dictionaries", "toy-clip.visual.stage4.topk8.4x.seed1", "--out", dir);
        Assert.NotEqual(0, other.Code);
        Assert.Contains("not of resnet18", other.Err);
    }

    [Fact]
    public void Two_shards_on_the_command_line_merge_into_the_one_pass_result()
    {
        var dir = SampleFolder();
        var images = Path.Combine(dir, "images");
        string[] common = ["--model", "resnet18", "--layer", "layer1", "--images", images, "--size", "48", "--top", "2", "--batch", "4"];
        var whole = Run(["scan", .. common, "--out", Path.Combine(dir, "whole.json")]);
        Assert.True(whole.Code == 0, whole.Err);
        var a = Run(["scan", .. common, "--shard", "0/2", "--out", Path.Combine(dir, "a.json")]);
        var b = Run(["scan", .. common, "--shard", "1/2", "--out", Path.Combine(dir, "b.json")]);
        Assert.True(a.Code == 0 && b.Code == 0, a.Err + b.Err);
        Assert.Contains("scan 0/2: ", a.Out);   // the plain progress line (output is not a terminal)
        Assert.Contains("left", a.Out + b.Out + whole.Out);
        var merged = Run("merge", Path.Combine(dir, "a.json"), Path.Combine(dir, "b.json"), "--out", Path.Combine(dir, "merged.json"));
        output.WriteLine(a.Out + b.Out + merged.Out);
        Assert.True(merged.Code == 0, merged.Err);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "whole.json")), File.ReadAllText(Path.Combine(dir, "merged.json")));
        Assert.Contains($"{SamplePhotos.Names.Count} of {SamplePhotos.Names.Count} images", merged.Out);
        Assert.Contains("images scanned", merged.Out);   // the table's header
    }

    public static TheoryData<string> Verbs()
    {
        var data = new TheoryData<string>();
        void Walk(Command c, string path)
        {
            foreach (var sub in c.Subcommands)
            {
                data.Add((path + " " + sub.Name).Trim());
                Walk(sub, path + " " + sub.Name);
            }
        }
        Walk(InterpCommand.Build(), "");
        return data;
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Every_verb_has_help_that_describes_every_option(string verb)
    {
        var words = verb.Split(' ');
        var (code, text, err) = Run([.. words, "--help"]);
        Assert.True(code == 0, err);
        Assert.Contains("Usage:", text);
        Command command = InterpCommand.Build();
        foreach (var w in words) command = command.Subcommands.Single(c => c.Name == w);
        foreach (var option in command.Options.Where(o => !o.Hidden && o.Name != "--help" && o.Name != "-h"))
        {
            Assert.Contains(option.Name, text);
            Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{verb} {option.Name} has no description");
        }
    }

    [Theory]
    [InlineData("exit 2 and the valid verbs", new[] { "scna" }, "scna")]
    [InlineData("an unknown option", new[] { "scan", "--modle", "resnet18" }, "--modle")]
    [InlineData("missing required options", new[] { "scan", "--model", "resnet18" }, "--layer")]
    [InlineData("a count below 1", new[] { "bench", "profile", "--batch", "0" }, "--batch must be at least 1; got 0")]
    [InlineData("no threads", new[] { "bench", "soak", "--threads", "0" }, "--threads must be between 1 and 1024; got 0")]
    [InlineData("not a number", new[] { "bench", "profile", "--steps", "many" }, "many")]
    [InlineData("a value outside the choices", new[] { "bench", "render-one", "--dtype", "float16" }, "float32")]
    [InlineData("an enum value that does not exist", new[] { "bench", "render", "--resize", "Bicubic" }, "Bicubic")]
    [InlineData("a malformed list", new[] { "bench", "units", "--batches", "1,x" }, "--batches takes integers of at least 1 separated by commas")]
    [InlineData("a malformed shard", new[] { "scan", "--model", "resnet18", "--layer", "layer1", "--images", ".", "--out", "x.json", "--shard", "2/2" }, "i/n")]
    [InlineData("a missing verb argument", new[] { "merge", "--out", "x.json" }, "Required argument missing")]
    [InlineData("a unit range that ends before it starts", new[] { "microscope", "--model", "resnet18", "--layers", "layer2", "--out", "m", "--units", "5-2" }, "before it")]
    [InlineData("a unit range that is not one", new[] { "microscope", "--model", "resnet18", "--layers", "layer2", "--out", "m", "--units", "a-b" }, "ranges like 0-63")]
    [InlineData("a microscope shard past the count", new[] { "microscope", "--model", "resnet18", "--layers", "layer2", "--out", "m", "--shard", "3/2" }, "0 ≤ i < n")]
    [InlineData("a merge without shards", new[] { "microscope", "merge", "--out", "m" }, "Required argument missing")]
    [InlineData("an image set that does not exist", new[] { "train", "sae", "--model", "toy-clip", "--layer", "visual.stage4", "--features", "256", "--out", "d",
        "--images", "imagenet" }, "photo-crops")]
    [InlineData("a dictionary kind that does not exist", new[] { "train", "sae", "--model", "toy-clip", "--layer", "visual.stage4", "--features", "256", "--out", "d",
        "--kind", "jumprelu" }, "relu-l1")]
    [InlineData("a diversity batch of one", new[] { "microscope", "--model", "resnet18", "--layers", "layer2", "--out", "m", "--diversity", "1" }, "0 (none) or at least 2")]
    public void Bad_arguments_exit_with_2_and_name_the_option_without_a_stack_trace(string what, string[] args, string expected)
    {
        var (code, _, err) = Run(args);
        output.WriteLine($"{what}: {err}");
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.Contains("--help", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void Errors_the_library_finds_in_values_exit_with_2_and_errors_of_the_work_with_1()
    {
        var dir = SampleFolder();
        var unknownLayer = Run("scan", "--model", "resnet18", "--layer", "layer9", "--images", Path.Combine(dir, "images"), "--out", Path.Combine(dir, "x.json"));
        Assert.Equal(2, unknownLayer.Code);
        Assert.Contains("layer9", unknownLayer.Err);
        Assert.DoesNotContain("   at ", unknownLayer.Err);
        var unknownModel = Run("scan", "--model", "resnet19", "--layer", "layer1", "--images", Path.Combine(dir, "images"), "--out", Path.Combine(dir, "x.json"));
        Assert.Equal(2, unknownModel.Code);
        Assert.Contains("resnet18", unknownModel.Err);   // the error lists the zoo's models
        var noFolder = Run("scan", "--model", "resnet18", "--layer", "layer1", "--images", Path.Combine(dir, "nowhere"), "--out", Path.Combine(dir, "x.json"));
        Assert.Equal(2, noFolder.Code);
        Assert.Contains("there is no folder", noFolder.Err);
        File.WriteAllText(Path.Combine(dir, "broken.json"), "{ not json");
        var broken = Run("merge", Path.Combine(dir, "broken.json"), "--out", Path.Combine(dir, "m.json"));
        Assert.Equal(1, broken.Code);
        Assert.Contains("Not a scan result", broken.Err);
        Assert.DoesNotContain("   at ", broken.Err);
        var microscopeLayer = Run("microscope", "--model", "resnet18", "--layers", "layer2,layer9", "--out", Path.Combine(dir, "m"));
        Assert.Equal(2, microscopeLayer.Code);
        Assert.Contains("layer9", microscopeLayer.Err);
        Assert.DoesNotContain("   at ", microscopeLayer.Err);
        var microscopeUnits = Run("microscope", "--model", "resnet18", "--layers", "layer2", "--units", "0-500", "--steps", "1", "--out", Path.Combine(dir, "m"),
            "--images", Path.Combine(dir, "images"));
        Assert.Equal(2, microscopeUnits.Code);
        Assert.Contains("units 0..127", microscopeUnits.Err);
        output.WriteLine(unknownLayer.Err + unknownModel.Err + broken.Err + microscopeLayer.Err + microscopeUnits.Err);
    }
}
