using Interp.Downloads;
using Interp.Models;
using Interp.Models.Labels;
using Interp.Zoo;
using Interp.Tests.Downloads;
using static TorchSharp.torch;

namespace Interp.Tests.Models;

public class ClassLabelsTests
{
    [Fact]
    public void Top_k_orders_classes_by_probability_and_names_them()
    {
        var labels = new ClassLabels(["cat", "dog", "car", "tree"], 5);
        using var p = tensor(new float[] { 0.1f, 0.6f, 0.05f, 0.05f, 0.2f, /* image 2 */ 0.7f, 0.1f, 0.1f, 0.05f, 0.05f }, [2, 5]);
        var top = labels.TopK(p, 3);
        Assert.Equal([(1, "dog"), (4, "class 4"), (0, "cat")], top[0].Select(x => (x.Class, x.Label)));
        Assert.Equal(0.6f, top[0][0].Probability);
        Assert.Equal("cat", top[1][0].Label);
        Assert.Equal([1, 2, 3], top[0].Select(x => x.Rank));
        Assert.Contains("[N, 5]", Assert.Throws<ArgumentException>(() => labels.TopK(zeros(2, 4))).Message);
    }

    [Fact]
    public void InceptionV1_labels_are_obtained_through_the_download_layer()
    {
        // Served from loopback in place of Lucid's bucket: the same RemoteFile, another URL.
        var lines = Enumerable.Range(0, 1001).Select(i => i == 0 ? "dummy" : $"label {i}");
        var payload = System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
        using var server = new LoopbackServer(payload);
        var cache = new DownloadCache(TestPaths.Temp("labels"));
        var labels = ClassLabels.Load(cache.Ensure(InceptionV1Lucid.LabelsFile with { Url = server.Url("ok") }), InceptionV1.Classes);
        Assert.Equal(1008, labels.Names.Count);
        Assert.Equal("label 7", labels.Names[7]);
        Assert.Equal("class 1007", labels.Names[1007]);
        Assert.True(File.Exists(cache.RecordedHashPath(InceptionV1Lucid.LabelsFile)));
    }

    [Fact]
    public void The_zoo_lists_inceptionv1_and_says_how_to_get_it()
    {
        var info = ModelZoo.Describe().Single(m => m.Name == "inceptionv1");
        Assert.Contains("inception5h", info.Description);
        if (!info.Present)
        {
            Assert.Contains("InceptionV1Lucid.Download()", info.HowToGet);
            Assert.Contains("inception5h.pth", info.HowToGet);
            var e = Assert.Throws<FileNotFoundException>(() => ModelZoo.Load("inceptionv1"));
            Assert.Contains("InceptionV1Lucid.Download()", e.Message);
        }
        Assert.Contains("Unknown model 'inceptionv2'", Assert.Throws<ArgumentException>(() => ModelZoo.Get("inceptionv2")).Message);
    }
}
