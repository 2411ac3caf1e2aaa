using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.WebConsole;

/// <summary>
/// Every console page, as the person who uses it: no serious or critical accessibility violation, usable at 360 px
/// (nothing wider than the screen), and at most 200 KB transferred on a first load with an empty cache.
/// With <c>CONSOLE_SCREENSHOTS</c> set to a folder, each page is also photographed there (docs/console/).
/// </summary>
public sealed class ConsolePagesTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    private const long MaxFirstLoadBytes = 200 * 1024;

    [Fact]
    public async Task Every_page_is_accessible_fits_360_px_and_weighs_at_most_200_KB_on_first_load()
    {
        await using var api = await TestApi.StartOnKestrelAsync(DatabaseProvider.Sqlite);
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer1 = await api.NewPersonAsync("Reviewer");
        var reviewer2 = await api.NewPersonAsync("Reviewer");
        var (submitted, _) = await investigator.Client.SubmitClaimAsync();
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();
        await Expect.Status(await reviewer1.Client.PostWithIfMatch($"/api/v1/claims/{claimId}/triage", new { decision = "Accept" }, etag), HttpStatusCode.OK);
        var evidenceIds = new List<Guid>();
        foreach (var origin in new[] { "kidal-press", "csp-statement" })
        {
            var added = await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{claimId}/evidence",
                new { kind = "Link", title = $"Report from {origin}", url = $"https://example.org/{origin}", origin, stance = "Supports" });
            evidenceIds.Add((await added.Json()).GetProperty("id").GetGuid());
        }
        var testimony = await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{claimId}/evidence", new
        {
            kind = "Testimony",
            title = "A resident of Kidal",
            origin = "resident",
            stance = "Context",
            testimony = new { text = "We heard the drones after midnight.", witness = new { name = "A. Ag", contact = "+223 0000 0000" } },
        });
        await Expect.Status(testimony, HttpStatusCode.Created);
        foreach (var id in evidenceIds)
            await Expect.Status(await reviewer1.Client.PostAsJsonAsync($"/api/v1/evidence/{id}/review",
                new { decision = "Accept", sourceReliability = "B", informationCredibility = 2 }), HttpStatusCode.OK);
        var proposed = await reviewer1.Client.PostWithIfMatch($"/api/v1/claims/{claimId}/verdict-proposals",
            new { rating = "Fair", rationale = "Two independent sources; a drone strike by the FAMa in the area is confirmed." },
            await reviewer1.Client.ETagOf(claimId));
        await Expect.Status(proposed, HttpStatusCode.Created);
        var proposalId = (await proposed.Json()).GetProperty("id").GetGuid();
        var testimonyId = (await testimony.Json()).GetProperty("id").GetGuid();

        var pages = new (string Name, string? Email, string? Password, string Path)[]
        {
            ("sign-in", null, null, "/app/sign-in"),
            ("my-work-reviewer", reviewer2.Email, TestApi.Password, "/app"),
            ("claims", reviewer2.Email, TestApi.Password, "/app/claims"),
            ("claim", investigator.Email, TestApi.Password, $"/app/claims/{claimId}"),
            ("submit", investigator.Email, TestApi.Password, "/app/claims/new"),
            ("add-evidence", investigator.Email, TestApi.Password, $"/app/claims/{claimId}/evidence/new"),
            ("withdraw", investigator.Email, TestApi.Password, $"/app/claims/{submitted.GetProperty("id").GetGuid()}/withdraw"),
            ("triage", reviewer2.Email, TestApi.Password, $"/app/claims/{submitted.GetProperty("id").GetGuid()}/triage"),
            ("review-evidence", reviewer2.Email, TestApi.Password, $"/app/evidence/{testimonyId}/review"),
            ("propose-verdict", reviewer2.Email, TestApi.Password, $"/app/claims/{submitted.GetProperty("id").GetGuid()}/verdict"),
            ("confirm-verdict", reviewer2.Email, TestApi.Password, $"/app/claims/{claimId}/proposals/{proposalId}"),
            ("my-work-coordinator", ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword, "/app"),
            ("partners", ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword, "/app/partners"),
            ("imports", ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword, "/app/imports"),
            ("users", ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword, "/app/users"),
            ("assign", ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword, $"/app/claims/{claimId}/assign"),
            ("reopen", ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword, $"/app/claims/{claimId}/reopen"),
            ("audit", ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword, "/app/audit"),
        };
        var sessions = new Dictionary<string, string>();
        var screenshots = Environment.GetEnvironmentVariable("CONSOLE_SCREENSHOTS");
        var weights = new List<string>();
        foreach (var (name, email, password, path) in pages)
        {
            string? state = null;
            if (email is not null && !sessions.TryGetValue(email, out state))
            {
                var signIn = await browser.OpenAsync(api);
                await signIn.SignInAsync(email, password!);
                sessions[email] = state = await signIn.Context.StorageStateAsync();
                await signIn.Context.CloseAsync();
            }
            // A new context: the session's cookie, an empty cache, a phone's width.
            var context = await browser.Browser.NewContextAsync(new()
            {
                BaseURL = api.Anonymous.BaseAddress!.ToString(),
                ViewportSize = new() { Width = 360, Height = 780 },
                StorageState = state,
            });
            var page = await context.NewPageAsync();
            var responses = new List<IResponse>();
            page.Response += (_, response) => responses.Add(response);
            var main = await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.Load);
            Assert.True(main!.Ok, $"{name}: {path} answered {main.Status}");
            Assert.DoesNotContain("/app/sign-in", page.Url.Replace(path == "/app/sign-in" ? path : "\u0000", "", StringComparison.Ordinal));

            long bytes = 0;
            foreach (var response in responses)
            {
                var sizes = await response.Request.SizesAsync();
                bytes += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
            }
            weights.Add($"{name} {bytes}");
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
