using System.Net;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Verification.Api.Tests.Infrastructure;

namespace Verification.Api.Tests.WebConsole;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (never Playwright's own browser download, which cannot be
/// reached). The path is <c>/usr/bin/chromium</c> unless <c>CHROMIUM_PATH</c> names another. One browser per test class;
/// each person gets their own context (their own cookies), as if on their own machine.
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
    }

    /// <summary>A new person at a new browser (empty cache, no cookies), on a phone-sized or desktop screen.</summary>
    public async Task<IPage> OpenAsync(TestApi api, int width = 1280, string locale = "en-GB")
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = api.Anonymous.BaseAddress!.ToString(),
            ViewportSize = new() { Width = width, Height = 900 },
            Locale = locale,
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }
}

/// <summary>What a person does in the console, step by step, as a browser does it.</summary>
public static class ConsoleSteps
{
    public static async Task SignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync("/app/sign-in");
        // By field, not by label: the labels follow the browser's language.
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("main button[type=submit]").ClickAsync();
        // Any console page but the sign-in page itself: a pattern like "/app/" also matches /app/sign-in, so the wait
        // ended at once and then waited for the sign-in page's load while the browser was already leaving it (a
        // timeout under load). The header check below waits for the page itself.
        await page.ArriveAtAsync(SignedInPage);
        await Assertions.Expect(page.Locator("header form[action='/app/sign-out'] button")).ToBeVisibleAsync(new() { Timeout = 30_000 });
    }

    private static bool SignedInPage(string url)
    {
        var path = new Uri(url).AbsolutePath;
        return path == "/app" || (path.StartsWith("/app/", StringComparison.Ordinal) && !path.StartsWith("/app/sign-in", StringComparison.Ordinal));
    }

    /// <summary>axe-core on the page as it is: no serious or critical violation (WCAG 2.1 AA rules and best practices).</summary>
    public static async Task AssertAccessibleAsync(this IPage page)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"axe on {page.Url}: " + string.Join("; ", bad.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))}")));
    }

    public static async Task<IResponse> GoAsync(this IPage page, string url)
    {
        var response = await page.GotoAsync(url) ?? throw new InvalidOperationException($"No response for {url}");
        return response;
    }

    /// <summary>
    /// Clicks and waits for the page the click leads to: a full load (JavaScript off, a plain form), or an enhanced
    /// navigation (blazor.web.js fetches the page and merges it in; there is no load event, so its end is awaited).
    /// </summary>
    public static async Task ClickAndWaitAsync(this IPage page, ILocator locator)
    {
        var enhanced = await ArmEnhancedNavigationAsync(page);
        await locator.ClickAsync();
        if (enhanced)
            await WaitForEnhancedNavigationAsync(page);
        await page.WaitForLoadAsync();
    }

    /// <summary>Waits until the page is at an address the pattern matches, and loaded.</summary>
    public static Task ArriveAtAsync(this IPage page, Regex url) =>
        InShortTriesAsync(timeout => page.WaitForURLAsync(url, new() { Timeout = timeout }));

    /// <inheritdoc cref="ArriveAtAsync(IPage, Regex)"/>
    public static Task ArriveAtAsync(this IPage page, Func<string, bool> url) =>
        InShortTriesAsync(timeout => page.WaitForURLAsync(url, new() { Timeout = timeout }));

    /// <summary>Waits for the page's load event, or returns at once if it already fired.</summary>
    public static Task WaitForLoadAsync(this IPage page) =>
        InShortTriesAsync(timeout => page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = timeout }));

    /// <summary>
    /// Playwright (1.64) looks at a frame's address or load states, then subscribes to their events, while another
    /// thread records them: a navigation or a load that lands between the two is missed, and the wait runs to its
    /// timeout (a CI run: the page was loaded, the log showed only "NetworkIdle" fired, 30 s). The event still leaves
    /// its state behind, so the next short try sees it; the whole wait keeps the default's 30 s.
    /// </summary>
    private static async Task InShortTriesAsync(Func<float, Task> wait)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await wait(3_000);
                return;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    /// <summary>Listens for the end of the next enhanced navigation; false when blazor.web.js is not running.</summary>
    public static async Task<bool> ArmEnhancedNavigationAsync(this IPage page)
    {
        try
        {
            return await page.EvaluateAsync<bool>("""
                () => {
                    if (!window.Blazor || typeof Blazor.addEventListener !== 'function') return false;
                    window.__enhancedNavigation = 'pending';
                    const done = () => { Blazor.removeEventListener('enhancednavigationend', done); window.__enhancedNavigation = 'done'; };
                    Blazor.addEventListener('enhancednavigationend', done);
                    return true;
                }
                """);
        }
        catch (PlaywrightException)
        {
            return false; // scripts off
        }
    }

    /// <summary>Waits until the armed enhanced navigation ended (or a full load replaced the document).</summary>
    public static async Task WaitForEnhancedNavigationAsync(this IPage page)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await page.WaitForFunctionAsync("() => window.__enhancedNavigation !== 'pending'");
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                // The document was replaced while waiting (a full load): wait again in the new one.
            }
        }
    }

    /// <summary>The hidden fields of a form on the page (its antiforgery token, its handler, its version), for a forged post.</summary>
    public static async Task<Dictionary<string, string>> HiddenFieldsAsync(this IPage page, string handler)
    {
        var form = page.Locator($"form:has(input[name=_handler][value='{handler}'])");
        var names = await form.Locator("input[type=hidden]").EvaluateAllAsync<string[][]>("els => els.map(e => [e.name, e.value])");
        return names.ToDictionary(n => n[0], n => n[1]);
    }

    public static HttpStatusCode Status(this IAPIResponse response) => (HttpStatusCode)response.Status;
}
