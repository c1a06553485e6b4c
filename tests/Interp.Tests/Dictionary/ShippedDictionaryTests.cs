using System.Security.Cryptography;
using Interp.Dictionary;
using Interp.Runtime;
using Interp.Zoo;
using static TorchSharp.torch;

namespace Interp.Tests.Dictionary;

/// <summary>The dictionaries shipped for notebook 05: the recorded files, trained (not initial), and reproducible from their recipes.</summary>
public class ShippedDictionaryTests(ITestOutputHelper output)
{
    public static TheoryData<string> Names() => [.. ShippedDictionaries.Names];

    [Fact]
    public void The_notebook_s_dictionaries_are_shipped_and_small()
    {
        var names = ShippedDictionaries.Names;
        foreach (int m in new[] { 2, 4, 8 }) Assert.Contains($"toy-clip.visual.stage4.topk8.{m}x.seed1", names);
        Assert.Contains("toy-clip.visual.stage4.topk8.4x.seed2", names);
        Assert.Contains("resnet18.layer2.topk16.4x.seed1", names);
        Assert.Contains("resnet18.layer2.topk16.4x.seed2", names);
        Assert.Contains("toy-vit.visual.blocks.3.hook_resid_post-grid.topk8.4x.seed1", names);   // notebook 06
        Assert.Contains("toy-convnext.visual.stage3.topk8.4x.seed1", names);
        long bytes = Directory.GetFiles(ShippedDictionaries.Folder).Sum(f => new FileInfo(f).Length);
        output.WriteLine($"{names.Count} dictionaries, {bytes / 1024} KiB");
        Assert.True(bytes < 8L << 20, $"data/dictionaries holds {bytes / 1024} KiB; keep it under 8 MiB (data/ stays under 60 MB).");
        var unknown = Assert.Throws<ArgumentException>(() => ShippedDictionaries.PathOf("toy-clip.nothing"));
        Assert.Contains("toy-clip.visual.stage4.topk8.4x.seed1", unknown.Message);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_shipped_dictionary_is_its_recorded_file_named_by_its_recipe_and_trained(string name)
    {
        var record = ShippedDictionaries.Record(name);
        var path = ShippedDictionaries.PathOf(name);
        Assert.Equal(record.WeightsSha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path + ".weights"))));
        Assert.Equal(name + ".dict", record.Recipe.FileName);
        var info = DictionaryFile.ReadInfo(path);
        Assert.Equal(record.Recipe.Settings, info.Settings);
        Assert.Equal(record.Scale, info.Scale);
        var (sae, _) = DictionaryFile.Load(path, record.Recipe.Model, record.Recipe.Layer);
        using (sae)
        using (var initial = new SparseAutoencoder(record.Recipe.Settings))
        {
            Assert.False(sae.Decoder.allclose(initial.Decoder));                          // trained, not initial
            using var norms = sae.Decoder.norm(0);
            Assert.True(norms.allclose(ones_like(norms), rtol: 1e-5, atol: 1e-5));       // unit atoms
        }
        Assert.InRange(record.Fvu, 0, 0.5);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_short_run_of_the_recipe_reproduces_the_recorded_first_losses(string name)
    {
        var record = ShippedDictionaries.Record(name);
        using var model = ModelZoo.Load(record.Recipe.Model);
        using var stream = record.Recipe.Stream(model);
        Assert.Equal(record.Scale, stream.Scale, 1e-5 * record.Scale);
        using var sae = new SparseAutoencoder(record.Recipe.Settings);
        var history = SaeTraining.Train(sae, stream, stopAfter: 2);
        bool sameMachineKind = record.Cpu == CpuInfo.Current.Summary && record.Threads == get_num_threads();
        for (int i = 0; i < history.Count; i++)
        {
            output.WriteLine($"step {i}: recorded {record.FirstLosses[i]:R}, now {history[i].Loss:R}");
            if (sameMachineKind) Assert.Equal(record.FirstLosses[i], history[i].Loss);
            else Assert.Equal(record.FirstLosses[i], history[i].Loss, 1e-4 * Math.Abs(record.FirstLosses[i]));
        }
        Assert.Equal(2, history.Count);
    }
}
