using PuppeteerSharp;

namespace Interp.Tests;

/// <summary>
/// Headless Chromium (Debian's <c>chromium</c>, installed by .ci/run, or <c>INTERP_CHROMIUM</c>) with every request that is not a
/// local file refused: what the site tests open pages in, so that a page which needs the network fails.
/// </summary>
internal static class OfflineBrowser
{
    /// <summary>The browser: <c>INTERP_CHROMIUM</c>, else Debian's.</summary>
    public static string Chromium => Environment.GetEnvironmentVariable("INTERP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Starts the browser (the caller disposes it).</summary>
    public static async Task<IBrowser> LaunchAsync()
    {
        Assert.True(File.Exists(Chromium), $"No browser at {Chromium}: install Debian's chromium (.ci/run does) or set INTERP_CHROMIUM.");
        return await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            UserDataDir = TestPaths.Temp("chromium-profile"),
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A page open on <paramref name="file"/>, with the JavaScript errors it logs and the network requests it was refused.</summary>
    public sealed record OpenPage(IPage Page, List<string> Errors, List<string> Blocked) : IAsyncDisposable
    {
        /// <summary>
        /// The alt text (or source) of every image on the page that did not decode, once every image has loaded (lazy ones too:
        /// they are made eager first, since a headless page never scrolls to them).
        /// </summary>
        public Task<string[]> BrokenImagesAsync() =>
            Page.EvaluateFunctionAsync<string[]>("""
                async () => {
                  const images = Array.from(document.images);
                  images.forEach(i => i.loading = 'eager');
                  await Promise.all(images.map(i => i.decode().catch(() => {})));
                  return images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.alt || i.src).slice(0, 80));
                }
                """);

        /// <inheritdoc/>
        public ValueTask DisposeAsync() => Page.DisposeAsync();
    }

    /// <summary>Opens <paramref name="file"/> (a local HTML file) and waits for it to load.</summary>
    public static async Task<OpenPage> OpenAsync(IBrowser browser, string file)
    {
        var page = await browser.NewPageAsync();
        var open = new OpenPage(page, [], []);
        page.Console += (_, e) => { if (e.Message.Type == ConsoleType.Error) open.Errors.Add("console error: " + e.Message.Text); };
        page.PageError += (_, e) => open.Errors.Add("page error: " + e.Message);
        await page.SetRequestInterceptionAsync(true);
        page.Request += async (_, e) =>
        {
            if (e.Request.Url.StartsWith("file://", StringComparison.Ordinal) || e.Request.Url.StartsWith("data:", StringComparison.Ordinal)) await e.Request.ContinueAsync();
            else { open.Blocked.Add(e.Request.Url); await e.Request.AbortAsync(); }
        };
        await page.GoToAsync(new Uri(file).AbsoluteUri, new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load], Timeout = 60_000 });
        return open;
    }
}
