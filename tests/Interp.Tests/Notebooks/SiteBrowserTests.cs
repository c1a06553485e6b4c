using System.Text.RegularExpressions;

namespace Interp.Tests.Notebooks;

/// <summary>
/// Opens every page of the site the runner built (the fixture's run) in headless Chromium, Debian's <c>chromium</c>
/// (installed by .ci/run), with every request that is not a local file refused: the pages must work offline. On each
/// page every image decodes, every plotly chart draws its SVG, and nothing logs a JavaScript error.
/// </summary>
[Collection("notebooks")]
public partial class SiteBrowserTests(NotebookRunFixture run, ITestOutputHelper output)
{
    [GeneratedRegex(@"Plotly\.newPlot\('([^']+)'")]
    private static partial Regex ChartCall();

    [Fact]
    public async Task Every_page_of_the_site_works_offline_in_a_real_browser()
    {
        var pages = Directory.GetFiles(run.OutDir, "*.html").Order(StringComparer.Ordinal).ToList();
        Assert.True(pages.Count >= 6, $"expected the index and a page per notebook in {run.OutDir}, found {pages.Count}");

        await using var browser = await OfflineBrowser.LaunchAsync();
        var problems = new List<string>();
        int images = 0, charts = 0;
        foreach (var file in pages)
        {
            var name = Path.GetFileName(file);
            await using var open = await OfflineBrowser.OpenAsync(browser, file);
            var (page, errors, blocked) = (open.Page, open.Errors, open.Blocked);
            var brokenImages = await open.BrokenImagesAsync();
            images += await page.EvaluateExpressionAsync<int>("document.images.length");
            foreach (var b in brokenImages) problems.Add($"{name}: an image did not decode ({b})");

            foreach (var id in ChartCall().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value).Distinct())
            {
                charts++;
                var drawn = await page.EvaluateFunctionAsync<int>(
                    "id => { const svg = document.querySelector('#' + CSS.escape(id) + ' svg.main-svg'); return svg ? svg.querySelectorAll('*').length : -1; }", id);
                if (drawn <= 0) problems.Add($"{name}: chart {id} drew no SVG ({(drawn < 0 ? "none" : "empty")})");
            }
            problems.AddRange(errors.Select(e => $"{name}: {e}"));
            problems.AddRange(blocked.Select(u => $"{name}: asked the network for {u}"));
            output.WriteLine($"{name}: ok so far ({errors.Count} errors, {blocked.Count} network requests)");
        }
        output.WriteLine($"{pages.Count} pages, {images} images, {charts} charts");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(images >= 10 && charts >= 10, $"the notebooks show images and charts; found only {images} images and {charts} charts");
    }
}
