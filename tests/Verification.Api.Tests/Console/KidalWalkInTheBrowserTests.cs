using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;
using static Microsoft.Playwright.Assertions;

namespace Verification.Api.Tests.WebConsole;

/// <summary>
/// README's Kidal walk, done by four people in four browsers through the console only, then read back over the API:
/// the console and the API are one system with one set of rules.
/// </summary>
public sealed partial class KidalWalkInTheBrowserTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    public static string ReportFile => Claims.KidalWalkthroughTests.SamplePath("kidal-2024-03-30-field-report.txt");

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_Kidal_walk_end_to_end_in_the_browser(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartOnKestrelAsync(provider);
        var run = Guid.NewGuid().ToString("N")[..8];
        var investigatorEmail = $"investigatrice-{run}@kidal.test";
        var reviewer1Email = $"reviewer1-{run}@kidal.test";
        var reviewer2Email = $"reviewer2-{run}@kidal.test";

        // The coordinator creates three accounts.
        var coordinator = await browser.OpenAsync(api);
        await coordinator.SignInAsync(ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        await coordinator.AssertAccessibleAsync();
        await coordinator.GoAsync("/app/users");
        await coordinator.AssertAccessibleAsync();
        foreach (var (email, role) in new[] { (investigatorEmail, "Investigator"), (reviewer1Email, "Reviewer"), (reviewer2Email, "Reviewer") })
        {
            await coordinator.Locator("#email").FillAsync(email);
            await coordinator.Locator("#password").FillAsync(TestApi.Password);
            await coordinator.GetByLabel(role, new() { Exact = true }).CheckAsync();
            await coordinator.ClickAndWaitAsync(coordinator.GetByRole(AriaRole.Button, new() { Name = "Create" }));
            await Expect(coordinator.GetByRole(AriaRole.Status)).ToContainTextAsync(email);
        }
        await Expect(coordinator.Locator("table")).ToContainTextAsync(reviewer2Email);

        // The investigator submits the claim in French: the console speaks French to them (labels and buttons).
        var investigator = await browser.OpenAsync(api, locale: "fr-FR");
        await investigator.SignInAsync(investigatorEmail, TestApi.Password);
        await investigator.GoAsync("/app/claims/new");
        await investigator.AssertAccessibleAsync();
        await FillKidalClaimAsync(investigator);
        await investigator.ClickAndWaitAsync(investigator.GetByRole(AriaRole.Button, new() { Name = "Soumettre l’allégation" }));
        await investigator.ArriveAtAsync(ClaimPage());
        var claimId = Guid.Parse(ClaimPage().Match(investigator.Url).Groups["id"].Value);
        await Expect(investigator.Locator("h1")).ToHaveTextAsync("Frappes de drones sur l'ancien camp de la MINUSMA à Kidal");
        await Expect(investigator.Locator("[data-stage]")).ToHaveAttributeAsync("data-stage", "Submitted");
        await Expect(investigator.GetByRole(AriaRole.Link, new() { Name = "Ouvrir dans OpenStreetMap" })).ToHaveAttributeAsync("href", new Regex("mlat=18.4411&mlon=1.4078"));
        await investigator.AssertAccessibleAsync();

        // ...and uploads the report file, streamed to the intake; the page shows the hash the server computed.
        await investigator.ClickAndWaitAsync(investigator.GetByRole(AriaRole.Link, new() { Name = "Ajouter une preuve" }));
        await investigator.AssertAccessibleAsync();
        await investigator.Locator("#file-title").FillAsync("Rapport de presse du 30 mars 2024");
        await investigator.Locator("#file-origin").FillAsync("kidal-press");
        await investigator.Locator("#file").SetInputFilesAsync(ReportFile);
        await investigator.GetByRole(AriaRole.Button, new() { Name = "Téléverser" }).ClickAsync();
        await investigator.ArriveAtAsync(new Regex("added="));
        var expectedSha256 = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(ReportFile)));
        await Expect(investigator.GetByTestId("added-sha256")).ToHaveTextAsync(expectedSha256);

        // A second, independent item: a link from another origin.
        await investigator.ClickAndWaitAsync(investigator.GetByRole(AriaRole.Link, new() { Name = "Ajouter une preuve" }));
        await investigator.Locator("#title").FillAsync("Communiqué du CSP");
        await investigator.Locator("#url").FillAsync("https://example.org/csp-communique-2024-03-30");
        await investigator.Locator("#origin").FillAsync("csp-statement");
        await investigator.ClickAndWaitAsync(investigator.GetByRole(AriaRole.Button, new() { Name = "Ajouter", Exact = true }));
        await investigator.ArriveAtAsync(new Regex("added="));
        await Expect(investigator.Locator("article.evidence")).ToHaveCountAsync(2);

        // Reviewer 1 triages, grades both items and proposes Fair.
        var reviewer1 = await browser.OpenAsync(api);
        await reviewer1.SignInAsync(reviewer1Email, TestApi.Password);
        await reviewer1.AssertAccessibleAsync(); // My work
        await reviewer1.GoAsync($"/app/claims/{claimId}");
        await reviewer1.ClickAndWaitAsync(reviewer1.GetByRole(AriaRole.Link, new() { Name = "Triage" }));
        await reviewer1.AssertAccessibleAsync();
        await reviewer1.ClickAndWaitAsync(reviewer1.GetByRole(AriaRole.Button, new() { Name = "Record the decision" }));
        await Expect(reviewer1.Locator("[data-stage]")).ToHaveAttributeAsync("data-stage", "InCorroboration");
        for (var i = 0; i < 2; i++)
        {
            await reviewer1.ClickAndWaitAsync(reviewer1.GetByRole(AriaRole.Link, new() { Name = "Review this evidence" }).First);
            if (i == 0)
                await reviewer1.AssertAccessibleAsync();
            await reviewer1.Locator("input[name='Form.SourceReliability'][value=B]").CheckAsync();
            await reviewer1.Locator("input[name='Form.InformationCredibility'][value='2']").CheckAsync();
            await reviewer1.ClickAndWaitAsync(reviewer1.GetByRole(AriaRole.Button, new() { Name = "Record the review" }));
            await reviewer1.ArriveAtAsync(ClaimPage());
        }
        await Expect(reviewer1.GetByTestId("grade")).ToHaveTextAsync(["B2", "B2"]);
        await reviewer1.ClickAndWaitAsync(reviewer1.GetByRole(AriaRole.Link, new() { Name = "Propose a verdict" }));
        await reviewer1.AssertAccessibleAsync();
        await reviewer1.Locator("input[name='Form.Rating'][value=Fair]").CheckAsync();
        await reviewer1.Locator("#rationale").FillAsync("Deux sources indépendantes ; frappe de drone des FAMa confirmée dans la zone.");
        await reviewer1.ClickAndWaitAsync(reviewer1.GetByRole(AriaRole.Button, new() { Name = "Propose" }));
        await reviewer1.ArriveAtAsync(ClaimPage());
        await Expect(reviewer1.Locator("[data-stage]")).ToHaveAttributeAsync("data-stage", "VerdictProposed");
        await Expect(reviewer1.GetByRole(AriaRole.Link, new() { Name = "Confirm or reject the proposed verdict" })).ToHaveCountAsync(0);

        // Reviewer 2 confirms.
        var reviewer2 = await browser.OpenAsync(api);
        await reviewer2.SignInAsync(reviewer2Email, TestApi.Password);
        await reviewer2.GoAsync($"/app/claims/{claimId}");
        await reviewer2.ClickAndWaitAsync(reviewer2.GetByRole(AriaRole.Link, new() { Name = "Confirm or reject the proposed verdict" }));
        await reviewer2.AssertAccessibleAsync();
        await reviewer2.ClickAndWaitAsync(reviewer2.GetByRole(AriaRole.Button, new() { Name = "Confirm this verdict" }));
        await reviewer2.ArriveAtAsync(ClaimPage());
        await Expect(reviewer2.Locator("[data-stage]")).ToHaveAttributeAsync("data-stage", "Decided");
        await reviewer2.AssertAccessibleAsync();

        // The coordinator verifies the audit chain.
        await coordinator.GoAsync("/app/audit");
        await coordinator.ClickAndWaitAsync(coordinator.GetByRole(AriaRole.Button, new() { Name = "Verify the chain now" }));
        await Expect(coordinator.Locator("[data-valid]")).ToHaveAttributeAsync("data-valid", "true");
        await coordinator.AssertAccessibleAsync();

        // The same facts, read back over the API.
        var client = await api.CoordinatorAsync();
        var claim = await client.GetFromJsonAsync<JsonElement>($"/api/v1/claims/{claimId}");
        Assert.Equal("Decided", claim.GetProperty("status").GetString());
        Assert.Equal("Fair", claim.GetProperty("verdict").GetProperty("rating").GetString());
        Assert.Equal("Frappes de drones sur l'ancien camp de la MINUSMA à Kidal", claim.GetProperty("title").GetString());
        Assert.Equal("ML", claim.GetProperty("incident").GetProperty("location").GetProperty("countryCode").GetString());
        Assert.Equal(2, claim.GetProperty("perpetrators").GetArrayLength());
        var evidence = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/claims/{claimId}/evidence")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, evidence.Count);
        Assert.All(evidence, e =>
        {
            Assert.Equal("Accepted", e.GetProperty("reviewStatus").GetString());
            Assert.Equal("B", e.GetProperty("sourceReliability").GetString());
            Assert.Equal(2, e.GetProperty("informationCredibility").GetInt32());
        });
        Assert.Contains(evidence, e => e.GetProperty("sha256").GetString() == expectedSha256 && e.GetProperty("kind").GetString() == "Document");
        var verify = await client.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.True(verify.GetProperty("valid").GetBoolean());
    }

    internal static async Task FillKidalClaimAsync(IPage page)
    {
        await page.Locator("#title").FillAsync("Frappes de drones sur l'ancien camp de la MINUSMA à Kidal");
        await page.Locator("#summary").FillAsync("Dans la nuit du 29 au 30 mars 2024, des drones des Forces armées maliennes, appuyées par le groupe Wagner, " +
                                                 "ont frappé l'ancienne base de la MINUSMA à Kidal tenue par le CSP. Bilan non confirmé.");
        await page.Locator("input[name=violationTypes][value=AttackCivilianHarm]").CheckAsync();
        await page.Locator("#start").FillAsync("2024-03-29");
        await page.Locator("#end").FillAsync("2024-03-30");
        await page.Locator("#place").FillAsync("Kidal");
        await page.Locator("#country").FillAsync("ML");
        await page.Locator("#admin1").FillAsync("Kidal");
        await page.Locator("#lat").FillAsync("18.4411");
        await page.Locator("#lon").FillAsync("1.4078");
        await page.Locator("#geo-precision").SelectOptionAsync("NearbyTown");
        await page.Locator("#perp-0").FillAsync("Forces armées maliennes (FAMa)");
        await page.Locator("#perp-type-0").SelectOptionAsync("StateForce");
        await page.Locator("#perp-1").FillAsync("Groupe Wagner");
        await page.Locator("#perp-type-1").SelectOptionAsync("ForeignOrPrivateMilitary");
        await page.Locator("#killedMin").FillAsync("0");
        await page.Locator("#source-type-0").SelectOptionAsync("LocalMedia");
        await page.Locator("#source-description-0").FillAsync("Article de presse du 30 mars 2024");
    }

    [GeneratedRegex("/app/claims/(?<id>[0-9a-f-]{36})(\\?|#|$)")]
    internal static partial Regex ClaimPage();
}
