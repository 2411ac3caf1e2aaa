using Microsoft.Playwright;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.WebConsole;

/// <summary>
/// Every console page, as the person who uses it: no serious or critical accessibility violation, usable at 360 px
/// (nothing wider than the screen), and at most 200 KB transferred on a first load with an empty cache, Blazor's
/// script included (as served: Brotli).
/// With <c>CONSOLE_SCREENSHOTS</c> set to a folder, each page is also photographed there (docs/console/).
/// </summary>
public sealed class ConsolePagesTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    private const long MaxFirstLoadBytes = 200 * 1024;

    [Fact]
    public async Task Every_page_is_accessible_fits_360_px_and_weighs_at_most_200_KB_on_first_load()
    {
        await using var api = await TestApi.StartOnKestrelAsync(DatabaseProvider.Sqlite);
        var pages = await ConsoleScenario.BuildAsync(api);
        var sessions = new ConsoleScenario.Sessions(browser, api);
        var screenshots = Environment.GetEnvironmentVariable("CONSOLE_SCREENSHOTS");
        var weights = new List<string>();
        foreach (var (name, _, _, path) in pages)
        {
            // A new context: the session's cookie, an empty cache, a phone's width.
            var context = await sessions.ContextForAsync(pages.First(p => p.Name == name));
            // Chromium asks for Brotli only over HTTPS; the tests' host is plain HTTP on loopback, so ask as a phone
            // on the console's real (HTTPS) address does: the bytes counted are those sent in the encoding served.
            await context.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Accept-Encoding"] = "br, gzip" });
            var page = await context.NewPageAsync();
            var responses = new List<IResponse>();
            page.Response += (_, response) => responses.Add(response);
            var main = await page.GotoAsync(path);
            await page.WaitForLoadAsync();
            Assert.True(main!.Ok, $"{name}: {path} answered {main.Status}");
            Assert.DoesNotContain("/app/sign-in", page.Url.Replace(path == "/app/sign-in" ? path : "\u0000", "", StringComparison.Ordinal));

            long bytes = 0;
            foreach (var response in responses)
            {
                var sizes = await response.Request.SizesAsync();
                bytes += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
            }
            // blazor.web.js is part of every first load, counted as sent: Brotli, from this host.
            var framework = Assert.Single(responses, r => r.Url.Contains("/_framework/blazor.web.", StringComparison.Ordinal));
            Assert.Equal("br", await framework.HeaderValueAsync("content-encoding"));
            var frameworkBytes = (await framework.Request.SizesAsync()).ResponseBodySize;
            Assert.InRange(frameworkBytes, 1, 70_000);
            weights.Add($"{name} {bytes} (blazor.web.js {frameworkBytes})");
            Assert.True(bytes <= MaxFirstLoadBytes, $"{name}: {bytes} bytes on first load");

            var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 1, $"{name}: {overflow} px wider than a 360 px screen");
            await page.AssertAccessibleAsync();

            if (!string.IsNullOrEmpty(screenshots))
            {
                Directory.CreateDirectory(screenshots);
                await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, $"{name}-360.png"), FullPage = false });
                await page.SetViewportSizeAsync(1280, 900);
                await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, $"{name}.png"), FullPage = true });
            }
            await context.CloseAsync();
        }
        // The figures, for docs/console.md.
        await File.WriteAllLinesAsync(Path.Combine(Path.GetTempPath(), "console-page-weights.txt"), weights);
    }
}
