using Interp.Datasets;
using Interp.Microscope;
using Interp.Tests.Circuits;
using PuppeteerSharp;
using static TorchSharp.torch;

namespace Interp.Tests.Microscope;

/// <summary>A Microscope site of a tiny network opened in headless Chromium with the network refused, as the notebook site is.</summary>
public class MicroscopeBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_page_works_offline_the_layer_filter_hides_other_units_and_the_unit_search_goes_to_the_page()
    {
        using var model = TinyNets.Model(seed: 7);
        var root = TestPaths.Temp("microscope-browser");
        var images = new MemoryImages("four random images", [.. Enumerable.Range(0, 4).Select(i => rand([3, 16, 16], generator: new Generator().manual_seed(i)))]);
        var settings = new MicroscopeSettings(Steps: 2, Size: 16, UnitsPerRender: 2, Examples: 2, ScanSize: 16, Links: 1, Diversity: 2);
        MicroscopeBuilder.BuildLayer(model, "relu1", null, images, settings, root, outputLayer: "relu2");
        MicroscopeBuilder.BuildLayer(model, "relu2", null, images, settings, root, inputLayer: "relu1");

        await using var browser = await OfflineBrowser.LaunchAsync();
        var pages = Directory.GetFiles(root, "*.html", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2 + 2 * (1 + 2), pages.Count);   // the index and the model; two layers, each an index and two units
        var problems = new List<string>();
        int shown = 0;
        foreach (var file in pages)
        {
            await using var open = await OfflineBrowser.OpenAsync(browser, file);
            var name = Path.GetRelativePath(root, file);
            shown += await open.Page.EvaluateExpressionAsync<int>("document.images.length");
            problems.AddRange((await open.BrokenImagesAsync()).Select(b => $"{name}: an image did not decode ({b})"));
            problems.AddRange(open.Errors.Select(e => $"{name}: {e}"));
            problems.AddRange(open.Blocked.Select(u => $"{name}: asked the network for {u}"));
        }
        output.WriteLine($"{pages.Count} pages, {shown} images");
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        await using (var layer = await OfflineBrowser.OpenAsync(browser, Path.Combine(root, "chain", "relu2", "index.html")))
        {
            Assert.Equal(2, await Visible(layer.Page));
            await layer.Page.TypeAsync("#filter", "1");
            Assert.Equal(1, await Visible(layer.Page));
        }
        await using (var modelPage = await OfflineBrowser.OpenAsync(browser, Path.Combine(root, "chain", "index.html")))
        {
            await Search(modelPage.Page, "relu9:1");
            Assert.Contains("relu1:0", await modelPage.Page.EvaluateExpressionAsync<string>("document.getElementById('unit-error').textContent"));
            var navigation = modelPage.Page.WaitForNavigationAsync();
            await Search(modelPage.Page, "relu2:1");
            await navigation;
            Assert.EndsWith("/chain/relu2/1.html", modelPage.Page.Url);
        }
    }

    static Task<int> Visible(IPage page) => page.EvaluateExpressionAsync<int>("Array.from(document.querySelectorAll('#units a')).filter(a => a.style.display !== 'none').length");

    static Task Search(IPage page, string id) =>
        page.EvaluateFunctionAsync("id => { const box = document.getElementById('unit'); box.value = id; box.dispatchEvent(new Event('change')); }", id);
}
