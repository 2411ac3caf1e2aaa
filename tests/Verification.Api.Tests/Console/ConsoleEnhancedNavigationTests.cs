using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using Verification.Api.Tests.Imports;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;
using PW = Microsoft.Playwright.Assertions;

namespace Verification.Api.Tests.WebConsole;

/// <summary>
/// Blazor's enhanced navigation and forms in the console: blazor.web.js served by the host (precompressed, fingerprinted,
/// cached), pages arriving without a load (focus on the new heading, the title announced), console.js's behaviours
/// bound again after each arrival and never twice, and a running import followed live after an enhanced link.
/// </summary>
public sealed partial class ConsoleEnhancedNavigationTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    /// <summary>Set on the window by a test; a full load (a new document) loses it, an enhanced navigation keeps it.</summary>
    private const string SetMarker = "() => { window.__sameDocument = true; }";
    private const string MarkerKept = "() => window.__sameDocument === true";

    [Fact]
    public async Task The_framework_script_is_served_by_the_host_precompressed_fingerprinted_and_cached_for_a_year()
    {
        await using var api = await TestApi.StartOnKestrelAsync(DatabaseProvider.Sqlite);
        var signIn = await api.Anonymous.GetAsync("/app/sign-in");
        var html = await signIn.Content.ReadAsStringAsync();
        var path = FrameworkScript().Match(html) is { Success: true } m ? m.Groups["path"].Value : throw new Xunit.Sdk.XunitException("no blazor.web.js in the page");

        // The strict policy is unchanged, and the page still carries no inline script or style.
        Assert.Equal("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'",
            signIn.Headers.GetValues("Content-Security-Policy").Single());
        Assert.DoesNotMatch(new Regex("<script(?![^>]*\\bsrc=)", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex("<style|\\sstyle=", RegexOptions.IgnoreCase), html);

        using var raw = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = api.Anonymous.BaseAddress };
        async Task<(byte[] Body, HttpResponseMessage Response)> Get(string? encoding)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (encoding is not null)
                request.Headers.TryAddWithoutValidation("Accept-Encoding", encoding);
            var response = await raw.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            var cache = response.Headers.CacheControl!;
            Assert.True(cache.MaxAge == TimeSpan.FromDays(365) && cache.ToString().Contains("immutable", StringComparison.Ordinal), $"Cache-Control: {cache}");
            return (await response.Content.ReadAsByteArrayAsync(), response);
        }

        var (plain, plainResponse) = await Get(null);
        Assert.Empty(plainResponse.Content.Headers.ContentEncoding);
        var (br, brResponse) = await Get("br, gzip");
        Assert.Equal("br", Assert.Single(brResponse.Content.Headers.ContentEncoding));
        Assert.Contains("Accept-Encoding", brResponse.Headers.Vary);
        var (gzip, gzipResponse) = await Get("gzip");
        Assert.Equal("gzip", Assert.Single(gzipResponse.Content.Headers.ContentEncoding));

        // The same script in each encoding, and the address is its content's fingerprint: a new version is a new address.
        Assert.Equal(plain, Decompress(new BrotliStream(new MemoryStream(br), CompressionMode.Decompress)));
        Assert.Equal(plain, Decompress(new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress)));
        Assert.True(br.Length < gzip.Length && gzip.Length < plain.Length / 3, $"br {br.Length}, gzip {gzip.Length}, plain {plain.Length}");
        Assert.Contains("enhancedload", System.Text.Encoding.UTF8.GetString(plain), StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "console-blazor-web-js.txt"),
            $"{path} plain {plain.Length} br {br.Length} gzip {gzip.Length} sha256 {Convert.ToHexStringLower(SHA256.HashData(plain))}\n");
    }

    [Fact]
    public async Task After_an_enhanced_navigation_the_focus_is_on_the_new_heading_and_the_title_is_announced()
    {
        await using var api = await TestApi.StartOnKestrelAsync(DatabaseProvider.Sqlite);
        var reviewer = await api.NewPersonAsync("Reviewer");
        var page = await browser.OpenAsync(api);
        // Whatever blazor.web.js does here, the strict policy lets it: Chromium reports each refusal on the console.
        var refusedByPolicy = new List<string>();
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) refusedByPolicy.Add(message.Text); };
        await page.SignInAsync(reviewer.Email, TestApi.Password);
        await page.GoAsync("/app");
        await page.EvaluateAsync(SetMarker);
        var requests = new List<IRequest>();
        page.Request += (_, r) => { if (r.ResourceType == "fetch") requests.Add(r); };

        await page.ClickAndWaitAsync(page.Locator("header nav a[href='/app/claims']"));
        Assert.EndsWith("/app/claims", page.Url, StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>(MarkerKept), "the link loaded a new document instead of an enhanced navigation");
        var fetched = Assert.Single(requests, r => r.Url.EndsWith("/app/claims", StringComparison.Ordinal));
        Assert.Contains("blazor-enhanced-nav=on", fetched.Headers["accept"], StringComparison.Ordinal);

        // The focus is on the new page's main heading, and the polite live region reads out the new title.
        await PW.Expect(page.Locator("main h1")).ToHaveTextAsync("Claims");
        await PW.Expect(page.Locator("main h1")).ToBeFocusedAsync();
        await PW.Expect(page).ToHaveTitleAsync("Claims · Verification");
        await PW.Expect(page.Locator("#announcer")).ToHaveTextAsync("Claims · Verification");
        Assert.Equal("polite", await page.Locator("#announcer").GetAttributeAsync("aria-live"));
        await page.AssertAccessibleAsync();

        // Back: the previous page comes back the same way, focus and announcement included.
        await page.GoBackAsync();
        await PW.Expect(page.Locator("main h1")).ToHaveTextAsync("My work");
        await PW.Expect(page.Locator("main h1")).ToBeFocusedAsync();
        await PW.Expect(page.Locator("#announcer")).ToHaveTextAsync("My work · Verification");
        Assert.True(await page.EvaluateAsync<bool>(MarkerKept));

        // The header's language switcher is bound once and follows the page it is on now (its return address was merged in).
        await page.ClickAndWaitAsync(page.Locator("header nav a[href='/app/claims']"));
        await page.Locator("#language").SelectOptionAsync("fr");
        await page.ArriveAtAsync(new Regex("/app/claims$"));
        await PW.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        await PW.Expect(page.Locator("main h1")).ToHaveTextAsync("Allégations");
        Assert.True(refusedByPolicy.Count == 0, string.Join("\n", refusedByPolicy));
    }

    [Fact]
    public async Task An_upload_form_reached_by_enhanced_navigation_keeps_its_progress_bar_and_posts_once()
    {
        await using var api = await TestApi.StartOnKestrelAsync(DatabaseProvider.Sqlite);
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();
        var page = await browser.OpenAsync(api);
        await page.SignInAsync(investigator.Email, TestApi.Password);
        await page.GoAsync($"/app/claims/{claimId}");
        await page.EvaluateAsync(SetMarker);

        // To the form, back to the claim, and to the form again: each arrival binds what is new, nothing twice.
        for (var i = 0; i < 2; i++)
        {
            await page.ClickAndWaitAsync(page.GetByRole(AriaRole.Link, new() { Name = "Add evidence" }));
            await PW.Expect(page.Locator("main h1")).ToBeFocusedAsync();
            if (i == 0)
                await page.ClickAndWaitAsync(page.GetByRole(AriaRole.Link, new() { Name = "Back to the claim" }));
        }
        Assert.True(await page.EvaluateAsync<bool>(MarkerKept), "a link loaded a new document");

        var posts = new List<IRequest>();
        page.Request += (_, r) => { if (r.Method == "POST") posts.Add(r); };

        // A refused upload (a title over the command's 300 characters, past the field's own limit): the refusal's
        // content takes the place of the page's, its alert shown and the heading focused, without a new document.
        await page.Locator("#file-title").EvaluateAsync("el => { el.value = 'x'.repeat(301); }");
        await page.Locator("#file").SetInputFilesAsync(KidalWalkInTheBrowserTests.ReportFile);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await PW.Expect(page.Locator("main [role=alert]")).ToHaveAttributeAsync("data-status", "400");
        await PW.Expect(page.Locator("main h1")).ToBeFocusedAsync();
        Assert.True(await page.EvaluateAsync<bool>(MarkerKept), "the refusal was shown as a new document");

        // The form that came with the refusal is bound like any other: the next try is sent by console.js too.
        await page.Locator("#file-title").FillAsync("Field report");
        await page.Locator("#file-origin").FillAsync("kidal-press");
        await page.Locator("#file").SetInputFilesAsync(KidalWalkInTheBrowserTests.ReportFile);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await PW.Expect(page.Locator("#upload-progress")).ToBeVisibleAsync();
        await page.ArriveAtAsync(new Regex("added="));
        var expected = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(KidalWalkInTheBrowserTests.ReportFile)));
        await PW.Expect(page.GetByTestId("added-sha256")).ToHaveTextAsync(expected);

        // One streamed post per try, sent by console.js (with its progress), not by the browser's form submission nor twice.
        Assert.Equal(2, posts.Count);
        Assert.All(posts, upload =>
        {
            Assert.Equal("xhr", upload.ResourceType);
            Assert.EndsWith($"/app/claims/{claimId}/evidence/file", upload.Url, StringComparison.Ordinal);
        });
        Assert.True(await page.EvaluateAsync<bool>(MarkerKept), "the upload's result was a full load, not an enhanced navigation");
        var evidence = await investigator.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/claims/{claimId}/evidence");
        Assert.Equal(1, evidence.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task An_import_page_reached_by_an_enhanced_link_follows_the_run_live(DatabaseProvider provider)
    {
        // The host the browser talks to runs no jobs: the import stays queued until a second host on the same database runs it.
        await using var api = await TestApi.StartOnKestrelAsync(provider, new Dictionary<string, string?> { ["Jobs:RunServer"] = "false" });
        var coordinator = await api.CoordinatorAsync();
        var importId = await coordinator.StartImportAsync(Claims.KidalWalkthroughTests.SamplePath("ucdp-ged-23.1-car/events-first-5.csv"), new { format = "ucdp-ged-csv" });

        var page = await browser.OpenAsync(api);
        await page.SignInAsync(ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        await page.GoAsync("/app/imports");
        await page.EvaluateAsync(SetMarker);
        var polls = new List<IRequest>();
        page.RequestFinished += (_, r) => { if (r.Url.EndsWith($"/app/imports/{importId}/status", StringComparison.Ordinal)) lock (polls) polls.Add(r); };

        // To the import by its link, away to the list, and back: the poller is bound on arrival, stops when its page
        // goes, and is bound again (once) when it comes back.
        var link = page.Locator($"main a[href='/app/imports/{importId}']");
        await page.ClickAndWaitAsync(link);
        await PW.Expect(page.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "Queued");
        await PW.Expect(page.Locator("main h1")).ToBeFocusedAsync();
        await page.ClickAndWaitAsync(page.Locator("header nav a[href='/app/imports']"));
        await page.ClickAndWaitAsync(link);
        Assert.True(await page.EvaluateAsync<bool>(MarkerKept), "a link loaded a new document");
        // No refresh of the no-script fallback came in with the merged page (it would reload the page every two seconds).
        Assert.Equal(0, await page.Locator("meta[http-equiv=refresh]").CountAsync());

        int Count() { lock (polls) return polls.Count; }
        var before = Count();
        for (var i = 0; i < 160 && Count() < before + 5; i++)
            await Task.Delay(250);
        Assert.True(Count() >= before + 5, $"the import page polled {Count() - before} times in 40 s");
        Assert.True(await page.EvaluateAsync<bool>(MarkerKept), "the queued import's page reloaded itself");
        // The last four polls, timed by the browser (a poll of the first visit may still have been in flight when the page came back).
        var starts = (await page.EvaluateAsync<double[]>($$"""
            () => performance.getEntriesByType('resource').filter(e => e.name.endsWith('/app/imports/{{importId}}/status')).map(e => e.startTime)
            """)).Order().TakeLast(4).ToList();
        Assert.Equal(4, starts.Count);
        var gaps = starts.Zip(starts.Skip(1), (a, b) => b - a).ToList();
        Assert.True(gaps.All(g => g >= 900), "more than one poller: gaps of " + string.Join(", ", gaps.Select(g => $"{g:F0} ms")));

        // A host with a job server runs the import; the page follows it to the end without a load of its own.
        using var jobs = api.Factory.WithWebHostBuilder(builder => builder.UseSetting("Jobs:RunServer", "true"));
        jobs.StartServer();
        await PW.Expect(page.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 90_000 });
        await PW.Expect(page.GetByTestId("created")).ToHaveTextAsync("5");
        await PW.Expect(page.Locator("[data-live-import]")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>(MarkerKept), "the finished import was loaded as a new document");
        await page.AssertAccessibleAsync();
        var finished = await coordinator.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/imports/{importId}");
        Assert.Equal("Succeeded", finished.GetProperty("status").GetString());
        Assert.Equal(5, finished.GetProperty("createdClaims").GetInt32());
    }

    private static byte[] Decompress(Stream stream)
    {
        using (stream)
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        }
    }

    [GeneratedRegex("<script src=\"(?<path>/_framework/blazor\\.web\\.[a-z0-9]+\\.js)\"")]
    private static partial Regex FrameworkScript();
}
