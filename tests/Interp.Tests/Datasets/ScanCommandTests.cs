using Interp.Images;
using Interp.Scan;

namespace Interp.Tests.Datasets;

[Collection("resnet18")]
public class ScanCommandTests(ITestOutputHelper output)
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = ScanCommand.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Two_shards_on_the_command_line_merge_into_the_one_pass_result()
    {
        var dir = TestPaths.Temp("scan-cli");
        var images = Path.Combine(dir, "images");
        Directory.CreateDirectory(images);
        foreach (var name in SampleImages.Names)
        {
            using var img = SampleImages.Load(name, 48);
            ImageIO.Save(img, Path.Combine(images, name + ".png"));
        }
        string[] common = ["--model", "resnet18", "--layer", "layer1", "--images", images, "--size", "48", "--top", "2", "--batch", "4"];
        var whole = Run(["scan", .. common, "--out", Path.Combine(dir, "whole.json")]);
        Assert.True(whole.Code == 0, whole.Err);
        var a = Run(["scan", .. common, "--shard", "0/2", "--out", Path.Combine(dir, "a.json")]);
        var b = Run(["scan", .. common, "--shard", "1/2", "--out", Path.Combine(dir, "b.json")]);
        Assert.True(a.Code == 0 && b.Code == 0, a.Err + b.Err);
        var merged = Run("merge", Path.Combine(dir, "a.json"), Path.Combine(dir, "b.json"), "--out", Path.Combine(dir, "merged.json"));
        output.WriteLine(a.Out + b.Out + merged.Out);
        Assert.Equal(0, merged.Code);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "whole.json")), File.ReadAllText(Path.Combine(dir, "merged.json")));
        Assert.Contains($"{SampleImages.Names.Count} of {SampleImages.Names.Count} images", merged.Out);
    }

    [Fact]
    public void Bad_arguments_say_what_is_expected()
    {
        Assert.Equal(2, Run().Code);
        var missing = Run("scan", "--model", "resnet18");
        Assert.Equal(2, missing.Code);
        Assert.Contains("--layer, --images, --out", missing.Err);
        var unknown = Run("scan", "--modle", "resnet18");
        Assert.Contains("Unknown option --modle", unknown.Err);
        Assert.Contains("--model", unknown.Err);
        var shard = Run("scan", "--model", "resnet18", "--layer", "layer1", "--images", ".", "--out", "x.json", "--shard", "2/2");
        Assert.Equal(1, shard.Code);
        Assert.Contains("'i/n'", shard.Err);
        Assert.Contains("Valid: scan, merge", Run("scna").Err);
    }
}
