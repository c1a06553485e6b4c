using System.Text.RegularExpressions;
using PuppeteerSharp;

namespace Interp.Tests.Notebooks;

/// <summary>
/// Opens every page of the site the runner built (the fixture's run) in headless Chromium, Debian's <c>chromium</c>
/// (installed by .ci/run), with every request that is not a local file refused: the pages must work offline. On each
/// page every image decodes, every plotly chart draws its SVG, and nothing logs a JavaScript error.
/// </summary>
[Collection("notebooks")]
public partial class SiteBrowserTests(NotebookRunFixture run, ITestOutputHelper output)
{
    /// <summary>The browser: <c>INTERP_CHROMIUM</c>, else Debian's.</summary>
    static string Chromium => Environment.GetEnvironmentVariable("INTERP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    [GeneratedRegex(@"Plotly\.newPlot\('([^']+)'")]
    private static partial Regex ChartCall();

    [Fact]
    public async Task Every_page_of_the_site_works_offline_in_a_real_browser()
    {
        Assert.True(File.Exists(Chromium), $"No browser at {Chromium}: install Debian's chromium (.ci/run does) or set INTERP_CHROMIUM.");
        var pages = Directory.GetFiles(run.OutDir, "*.html").Order(StringComparer.Ordinal).ToList();
        Assert.True(pages.Count >= 6, $"expected the index and a page per notebook in {run.OutDir}, found {pages.Count}");

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            UserDataDir = TestPaths.Temp("chromium-profile"),
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        var problems = new List<string>();
        int images = 0, charts = 0;
        foreach (var file in pages)
        {
            var name = Path.GetFileName(file);
            await using var page = await browser.NewPageAsync();
            var errors = new List<string>();
            page.Console += (_, e) => { if (e.Message.Type == ConsoleType.Error) errors.Add("console error: " + e.Message.Text); };
            page.PageError += (_, e) => errors.Add("page error: " + e.Message);
            await page.SetRequestInterceptionAsync(true);
            var blocked = new List<string>();
            page.Request += async (_, e) =>
            {
                if (e.Request.Url.StartsWith("file://", StringComparison.Ordinal) || e.Request.Url.StartsWith("data:", StringComparison.Ordinal)) await e.Request.ContinueAsync();
                else { blocked.Add(e.Request.Url); await e.Request.AbortAsync(); }
            };
            await page.GoToAsync(new Uri(file).AbsoluteUri, new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load], Timeout = 60_000 });

            var brokenImages = await page.EvaluateExpressionAsync<string[]>(
                "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.alt || i.src).slice(0, 80))");
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
