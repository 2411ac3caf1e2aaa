using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Verification.Api.Tests.Infrastructure;

namespace Verification.Api.Tests.WebConsole;

/// <summary>
/// A small world for walking every console page as the person who uses it: a submitted claim, a claim with two graded
/// items, a testimony and a pending proposal, three staff accounts and an import. Used by the page checks (axe, 360 px,
/// weight) and by the French walk.
/// </summary>
public static class ConsoleScenario
{
    public sealed record ConsolePage(string Name, string? Email, string? Password, string Path);

    /// <summary>The titles and texts this scenario writes itself (domain values: they stay in the language they were written in).</summary>
    public static readonly string[] DomainTexts =
    [
        "Report from kidal-press", "Report from csp-statement", "A resident of Kidal", "We heard the drones after midnight.",
        "Two independent sources; a drone strike by the FAMa in the area is confirmed.", "events-first-5.csv",
    ];

    public static async Task<IReadOnlyList<ConsolePage>> BuildAsync(TestApi api)
    {
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
        var submittedId = submitted.GetProperty("id").GetGuid();

        var coordinator = await api.CoordinatorAsync();
        var content = new MultipartFormDataContent();
        content.Add(new StringContent("""{"format":"ucdp-ged-csv","dryRun":true}""", System.Text.Encoding.UTF8, "application/json"), "options");
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(Claims.KidalWalkthroughTests.SamplePath("ucdp-ged-23.1-car/events-first-5.csv")));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", "events-first-5.csv");
        var import = await coordinator.PostAsync("/api/v1/imports", content);
        await Expect.Status(import, HttpStatusCode.Accepted);
        var importId = (await import.Json()).GetProperty("id").GetGuid();

        const string c = ApiFactory.CoordinatorEmail, cp = ApiFactory.CoordinatorPassword, p = TestApi.Password;
        return
        [
            new("sign-in", null, null, "/app/sign-in"),
            new("my-work-reviewer", reviewer2.Email, p, "/app"),
            new("my-work-investigator", investigator.Email, p, "/app"),
            new("claims", reviewer2.Email, p, "/app/claims"),
            new("claim", investigator.Email, p, $"/app/claims/{claimId}"),
            new("submit", investigator.Email, p, "/app/claims/new"),
            new("add-evidence", investigator.Email, p, $"/app/claims/{claimId}/evidence/new"),
            new("withdraw", investigator.Email, p, $"/app/claims/{submittedId}/withdraw"),
            new("account", investigator.Email, p, "/app/account"),
            new("triage", reviewer2.Email, p, $"/app/claims/{submittedId}/triage"),
            new("review-evidence", reviewer2.Email, p, $"/app/evidence/{testimonyId}/review"),
            new("propose-verdict", reviewer2.Email, p, $"/app/claims/{submittedId}/verdict"),
            new("confirm-verdict", reviewer2.Email, p, $"/app/claims/{claimId}/proposals/{proposalId}"),
            new("my-work-coordinator", c, cp, "/app"),
            new("partners", c, cp, "/app/partners"),
            new("imports", c, cp, "/app/imports"),
            new("import", c, cp, $"/app/imports/{importId}"),
            new("users", c, cp, "/app/users"),
            new("user", c, cp, $"/app/users/{reviewer1.Id}"),
            new("assign", c, cp, $"/app/claims/{claimId}/assign"),
            new("reopen", c, cp, $"/app/claims/{claimId}/reopen"),
            new("audit", c, cp, "/app/audit"),
            new("not-found", c, cp, "/app/not-found"),
        ];
    }

    /// <summary>Signs each person in once and hands out their session, so every page opens in a fresh context.</summary>
    public sealed class Sessions(ConsoleBrowser browser, TestApi api, string locale = "en-GB")
    {
        private readonly Dictionary<string, string> states = [];

        public async Task<IBrowserContext> ContextForAsync(ConsolePage page, int width = 360, int height = 780)
        {
            string? state = null;
            if (page.Email is { } email && !states.TryGetValue(email, out state))
            {
                var signIn = await browser.OpenAsync(api, locale: locale);
                await signIn.SignInAsync(email, page.Password!);
                states[email] = state = await signIn.Context.StorageStateAsync();
                await signIn.Context.CloseAsync();
            }
            return await browser.Browser.NewContextAsync(new()
            {
                BaseURL = api.Anonymous.BaseAddress!.ToString(),
                ViewportSize = new() { Width = width, Height = height },
                StorageState = state,
                Locale = locale,
            });
        }
    }
}
