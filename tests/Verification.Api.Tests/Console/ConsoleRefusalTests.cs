using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;
using PW = Microsoft.Playwright.Assertions;

namespace Verification.Api.Tests.WebConsole;

/// <summary>What the console refuses, and that it refuses it with the API's own rule and words.</summary>
public sealed class ConsoleRefusalTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>, IAsyncLifetime
{
    private TestApi api = default!;

    public async Task InitializeAsync() => api = await TestApi.StartOnKestrelAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await api.DisposeAsync();

    /// <summary>A claim submitted over the API and brought to VerdictProposed by reviewer 1 (two accepted items, Fair).</summary>
    private async Task<(Guid ClaimId, Guid ProposalId, Person Investigator, Person Reviewer1)> ProposedClaimAsync()
    {
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer1 = await api.NewPersonAsync("Reviewer");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();
        etag = (await reviewer1.Client.PostWithIfMatch($"/api/v1/claims/{claimId}/triage", new { decision = "Accept" }, etag)).Headers.ETag!.Tag;
        foreach (var origin in new[] { "first-origin", "second-origin" })
        {
            var added = await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{claimId}/evidence",
                new { kind = "Link", url = $"https://example.org/{origin}", origin, stance = "Supports" });
            var evidenceId = (await added.Json()).GetProperty("id").GetGuid();
            await Expect.Status(await reviewer1.Client.PostAsJsonAsync($"/api/v1/evidence/{evidenceId}/review",
                new { decision = "Accept", sourceReliability = "B", informationCredibility = 2 }), HttpStatusCode.OK);
        }
        etag = await reviewer1.Client.ETagOf(claimId);
        var proposed = await reviewer1.Client.PostWithIfMatch($"/api/v1/claims/{claimId}/verdict-proposals",
            new { rating = "Fair", rationale = "Two independent sources." }, etag);
        await Expect.Status(proposed, HttpStatusCode.Created);
        return (claimId, (await proposed.Json()).GetProperty("id").GetGuid(), investigator, reviewer1);
    }

    [Fact]
    public async Task Reviewer_cannot_confirm_their_own_proposal_the_action_is_absent_and_a_forged_post_gets_the_APIs_problem()
    {
        var (claimId, proposalId, _, reviewer1) = await ProposedClaimAsync();
        var page = await browser.OpenAsync(api);
        await page.SignInAsync(reviewer1.Email, TestApi.Password);

        await page.GoAsync($"/app/claims/{claimId}");
        await PW.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Confirm or reject the proposed verdict" })).ToHaveCountAsync(0);
        await page.GoAsync($"/app/claims/{claimId}/proposals/{proposalId}");
        await PW.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Confirm this verdict" })).ToHaveCountAsync(0);
        await page.AssertAccessibleAsync();

        // The form a browser would have posted, forged with this session's own cookie and token.
        var fields = await page.HiddenFieldsAsync("confirm");
        var forged = await page.Context.APIRequest.PostAsync($"/app/claims/{claimId}/proposals/{proposalId}", new() { Form = Form(page.Context.APIRequest, fields) });
        Assert.Equal(HttpStatusCode.Forbidden, forged.Status());
        var html = await forged.TextAsync();

        // The API says the same, in the same words.
        var etag = await reviewer1.Client.ETagOf(claimId);
        var viaApi = await Expect.Problem(await reviewer1.Client.PostWithIfMatch(
            $"/api/v1/claims/{claimId}/verdict-proposals/{proposalId}/confirm", null, etag), HttpStatusCode.Forbidden);
        Assert.Contains(WebUtility.HtmlEncode(viaApi.GetProperty("title").GetString()!), html);
        Assert.Contains(WebUtility.HtmlEncode(viaApi.GetProperty("detail").GetString()!), html);
        var claim = await reviewer1.Client.GetFromJsonAsync<JsonElement>($"/api/v1/claims/{claimId}");
        Assert.Equal("VerdictProposed", claim.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Refusals_of_enhanced_posts_and_navigations_show_the_problem_page_and_change_nothing()
    {
        var (claimId, proposalId, investigator, reviewer1) = await ProposedClaimAsync();
        var page = await browser.OpenAsync(api);
        await page.SignInAsync(reviewer1.Email, TestApi.Password);
        await page.GoAsync($"/app/claims/{claimId}/proposals/{proposalId}");
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        // 403: the confirm form of one's own proposal (it has no button: the page offers no confirm), submitted from the
        // page as blazor.web.js submits it. The page shows the API's problem in the API's words.
        var forbidden = await page.RunAndWaitForResponseAsync(
            () => page.EvaluateAsync("() => document.querySelector('form:has(input[name=_handler][value=confirm])').requestSubmit()"),
            r => r.Request.Method == "POST");
        Assert.Equal(403, forbidden.Status);
        Assert.Contains("blazor-enhanced-nav=on", forbidden.Request.Headers["accept"], StringComparison.Ordinal);
        var etag = await reviewer1.Client.ETagOf(claimId);
        var viaApi = await Expect.Problem(await reviewer1.Client.PostWithIfMatch(
            $"/api/v1/claims/{claimId}/verdict-proposals/{proposalId}/confirm", null, etag), HttpStatusCode.Forbidden);
        await PW.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync(viaApi.GetProperty("detail").GetString()!);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the refusal was a new document");
        await page.AssertAccessibleAsync();

        // 400: the same form without its antiforgery token, refused before any handler runs.
        var noToken = await page.RunAndWaitForResponseAsync(
            () => page.EvaluateAsync("""
                () => {
                    const form = document.querySelector('form:has(input[name=_handler][value=reject])');
                    form.querySelector('input[name=__RequestVerificationToken], input[name=__antiforgery]')?.remove();
                    form.requestSubmit();
                }
                """),
            r => r.Request.Method == "POST");
        Assert.Equal(400, noToken.Status);

        // 404: an enhanced navigation to a claim this reviewer may not see is the not-found page, with nothing of the claim.
        var other = await api.NewPersonAsync("Investigator");
        var (hidden, _) = await other.Client.SubmitClaimAsync();
        var invisible = await api.NewPersonAsync("Investigator");
        var page2 = await browser.OpenAsync(api);
        await page2.SignInAsync(invisible.Email, TestApi.Password);
        await page2.GoAsync("/app/claims");
        var notFound = await page2.RunAndWaitForResponseAsync(
            () => page2.EvaluateAsync($"() => Blazor.navigateTo('/app/claims/{hidden.GetProperty("id").GetGuid()}')"),
            r => r.Url.EndsWith(hidden.GetProperty("id").GetGuid().ToString(), StringComparison.Ordinal));
        Assert.Equal(404, notFound.Status);
        await PW.Expect(page2.Locator("main h1")).ToHaveTextAsync("Not found");
        await PW.Expect(page2.Locator("main h1")).ToBeFocusedAsync();
        await PW.Expect(page2.Locator("body")).Not.ToContainTextAsync(hidden.GetProperty("title").GetString()!);

        // Nothing was changed by the refused posts.
        var claim = await investigator.Client.GetFromJsonAsync<JsonElement>($"/api/v1/claims/{claimId}");
        Assert.Equal("VerdictProposed", claim.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Investigator_cannot_open_another_investigators_claim()
    {
        var owner = await api.NewPersonAsync("Investigator");
        var other = await api.NewPersonAsync("Investigator");
        var (claim, _) = await owner.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();

        var page = await browser.OpenAsync(api);
        await page.SignInAsync(other.Email, TestApi.Password);
        foreach (var path in new[] { $"/app/claims/{claimId}", $"/app/claims/{claimId}/evidence/new", $"/app/claims/{claimId}/withdraw" })
        {
            var response = await page.GoAsync(path);
            Assert.Equal(404, response.Status);
            await PW.Expect(page.Locator("body")).Not.ToContainTextAsync(claim.GetProperty("title").GetString()!);
        }
        await page.GoAsync($"/app/claims/{claimId}");
        await PW.Expect(page.Locator("h1")).ToHaveTextAsync("Not found");
        await page.AssertAccessibleAsync();
        await page.GoAsync("/app/claims");
        await PW.Expect(page.Locator("body")).Not.ToContainTextAsync(claim.GetProperty("reference").GetString()!);
    }

    [Fact]
    public async Task A_stale_form_is_refused_explained_and_the_current_state_shown()
    {
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer2 = await api.NewPersonAsync("Reviewer");
        var reviewer1 = await api.NewPersonAsync("Reviewer");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();

        var page = await browser.OpenAsync(api);
        await page.SignInAsync(reviewer1.Email, TestApi.Password);
        await page.GoAsync($"/app/claims/{claimId}/triage");
        await page.GetByLabel("Reject", new() { Exact = true }).CheckAsync();
        await page.Locator("#reason").FillAsync("Out of scope.");

        // Meanwhile a second reviewer accepts it.
        await Expect.Status(await reviewer2.Client.PostWithIfMatch($"/api/v1/claims/{claimId}/triage", new { decision = "Accept" }, etag), HttpStatusCode.OK);

        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Record the decision" }).ClickAsync(),
            r => r.Request.Method == "POST");
        Assert.Equal(412, response.Status);
        Assert.Contains("blazor-enhanced-nav=on", response.Request.Headers["accept"], StringComparison.Ordinal); // an enhanced form post
        await PW.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Someone changed this claim after you opened it");
        await PW.Expect(page.Locator("[data-stage]")).ToHaveAttributeAsync("data-stage", "InCorroboration");
        await page.AssertAccessibleAsync();
        var now = await investigator.Client.GetFromJsonAsync<JsonElement>($"/api/v1/claims/{claimId}");
        Assert.Equal("InCorroboration", now.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused()
    {
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();

        var page = await browser.OpenAsync(api);
        await page.SignInAsync(reviewer.Email, TestApi.Password);
        await page.GoAsync($"/app/claims/{claimId}/triage");
        var fields = await page.HiddenFieldsAsync("triage");
        fields.Remove("__antiforgery");
        fields["Form.Decision"] = "Accept";
        var triage = await page.Context.APIRequest.PostAsync($"/app/claims/{claimId}/triage", new() { Form = Form(page.Context.APIRequest, fields) });
        Assert.Equal(HttpStatusCode.BadRequest, triage.Status());

        var signOut = await page.Context.APIRequest.PostAsync("/app/sign-out", new() { Form = Form(page.Context.APIRequest, new() { ["everywhere"] = "false" }) });
        Assert.Equal(HttpStatusCode.BadRequest, signOut.Status());

        var upload = page.Context.APIRequest.CreateFormData();
        upload.Append("kind", "Document");
        upload.Append("stance", "Supports");
        upload.Append("file", new FilePayload { Name = "report.txt", MimeType = "text/plain", Buffer = "report"u8.ToArray() });
        var uploaded = await page.Context.APIRequest.PostAsync($"/app/claims/{claimId}/evidence/file", new() { Multipart = upload });
        Assert.Equal(HttpStatusCode.BadRequest, uploaded.Status());

        var now = await investigator.Client.GetFromJsonAsync<JsonElement>($"/api/v1/claims/{claimId}");
        Assert.Equal("Submitted", now.GetProperty("status").GetString());
        var evidence = await investigator.Client.GetFromJsonAsync<JsonElement>($"/api/v1/claims/{claimId}/evidence");
        Assert.Equal(0, evidence.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task The_API_refuses_the_console_cookie()
    {
        var page = await browser.OpenAsync(api);
        await page.SignInAsync(ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        var cookies = await page.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == ".Verification.Session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        var response = await page.Context.APIRequest.GetAsync("/api/v1/claims");
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status());
    }

    [Fact]
    public async Task Submit_form_shows_validation_messages_beside_their_fields_and_keeps_what_was_typed()
    {
        var investigator = await api.NewPersonAsync("Investigator");
        var page = await browser.OpenAsync(api);
        await page.SignInAsync(investigator.Email, TestApi.Password);
        await page.GoAsync("/app/claims/new");
        await page.Locator("#title").FillAsync("Frappes à Kidal");
        await page.Locator("#country").FillAsync("M");
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Submit the claim" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(400, response.Status);
        Assert.Contains("blazor-enhanced-nav=on", response.Request.Headers["accept"], StringComparison.Ordinal);
        await PW.Expect(page.Locator("#summary-error")).ToBeVisibleAsync();
        await PW.Expect(page.Locator("#country-error")).ToBeVisibleAsync();
        await PW.Expect(page.Locator("#types-error")).ToBeVisibleAsync();
        await PW.Expect(page.Locator("#title-error")).ToHaveCountAsync(0);
        await PW.Expect(page.Locator("#title")).ToHaveValueAsync("Frappes à Kidal");
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task The_submit_form_works_with_the_keyboard_only()
    {
        var investigator = await api.NewPersonAsync("Investigator");
        var page = await browser.OpenAsync(api, locale: "en-US");
        await page.SignInAsync(investigator.Email, TestApi.Password);
        await page.GoAsync("/app/claims/new");

        async Task TabTo(string selector)
        {
            for (var i = 0; i < 120; i++)
            {
                if (await page.EvaluateAsync<bool>($"document.activeElement && document.activeElement.matches({System.Text.Json.JsonSerializer.Serialize(selector)})"))
                    return;
                await page.Keyboard.PressAsync("Tab");
            }
            Assert.Fail($"{selector} cannot be reached with the Tab key.");
        }

        await TabTo("#title");
        await page.Keyboard.TypeAsync("Frappes de drones à Kidal");
        await TabTo("#summary");
        await page.Keyboard.TypeAsync("Frappes de drones sur l'ancien camp de la MINUSMA.");
        await TabTo("input[value=AttackCivilianHarm]");
        await page.Keyboard.PressAsync("Space");
        await TabTo("#start");
        // A date field takes its parts from the keyboard in the order of the browser's language (en-US here: month first).
        var order = await page.EvaluateAsync<string>("new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2024, 2, 29)).filter(p => p.type !== 'literal').map(p => p.type[0]).join('')");
        await page.Keyboard.TypeAsync(order.StartsWith('d') ? "29032024" : order.StartsWith('y') ? "20240329" : "03292024");
        await TabTo("#place");
        await page.Keyboard.TypeAsync("Kidal");
        await TabTo("#country");
        await page.Keyboard.TypeAsync("ML");
        await TabTo("#source-type-0");
        await page.Keyboard.PressAsync("ArrowDown"); // the first source type after the empty choice
        await TabTo("#submit-claim");
        var posted = await page.RunAndWaitForResponseAsync(() => page.Keyboard.PressAsync("Enter"), r => r.Request.Method == "POST");
        if (posted.Status is < 300 or >= 400)
        {
            await page.WaitForLoadAsync();
            Assert.Fail($"{posted.Status}: " + string.Join(" | ", await page.Locator(".error, [role=alert]").AllInnerTextsAsync()));
        }
        await page.ArriveAtAsync(KidalWalkInTheBrowserTests.ClaimPage());
        await PW.Expect(page.Locator("h1")).ToHaveTextAsync("Frappes de drones à Kidal");
        await PW.Expect(page.Locator("[data-stage]")).ToHaveAttributeAsync("data-stage", "Submitted");
    }

    [Fact]
    public async Task The_console_speaks_the_browsers_language_and_the_switcher_remembers_the_choice()
    {
        var page = await browser.OpenAsync(api, locale: "fr-FR");
        await page.GoAsync("/app/sign-in");
        await PW.Expect(page.Locator("h1")).ToHaveTextAsync("Connexion");
        await PW.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        await page.AssertAccessibleAsync();

        await page.Locator("#language").SelectOptionAsync("en"); // the script submits the switcher on change
        await PW.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await page.ReloadAsync();
        await PW.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await PW.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");

        // Signed in, the layout and the stages follow the choice; dates follow the culture.
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        await page.SignInAsync(investigator.Email, TestApi.Password);
        await page.GoAsync("/app/language?culture=fr&returnUrl=/app/claims/" + claim.GetProperty("id").GetGuid());
        await PW.Expect(page.Locator("[data-stage]")).ToHaveTextAsync("Soumise");
        await PW.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Mon travail" })).ToBeVisibleAsync();
        await PW.Expect(page.Locator("dl.facts")).ToContainTextAsync("29/03/2024");
    }

    [Fact]
    public async Task Coordinator_registers_a_partner_and_sees_its_key_once()
    {
        var page = await browser.OpenAsync(api);
        await page.SignInAsync(ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        await page.GoAsync("/app/partners");
        await page.Locator("#partner-name").FillAsync("Airwars test partner");
        await page.ClickAndWaitAsync(page.GetByRole(AriaRole.Button, new() { Name = "Register and issue a key" }));
        var key = await page.GetByTestId("api-key").InnerTextAsync();
        await page.AssertAccessibleAsync();

        using var partner = api.Anonymous;
        partner.DefaultRequestHeaders.Add("X-Api-Key", key.Trim());
        Assert.Equal(HttpStatusCode.OK, (await partner.GetAsync("/api/v1/partner/claims")).StatusCode);

        await page.GoAsync("/app/partners");
        await PW.Expect(page.Locator("table")).ToContainTextAsync("Airwars test partner");
        await PW.Expect(page.GetByTestId("api-key")).ToHaveCountAsync(0);
        await PW.Expect(page.Locator("body")).Not.ToContainTextAsync(key.Trim());
    }

    [Fact]
    public async Task An_import_uploaded_in_the_console_runs_and_shows_its_progress_and_counts()
    {
        var page = await browser.OpenAsync(api);
        await page.SignInAsync(ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        await page.GoAsync("/app/imports");
        await page.AssertAccessibleAsync();
        await page.Locator("#format").SelectOptionAsync("ucdp-ged-csv");
        await page.Locator("#dataset-version").FillAsync("23.1");
        await page.Locator("#import-file").SetInputFilesAsync(Claims.KidalWalkthroughTests.SamplePath("ucdp-ged-23.1-car/events-first-5.csv"));
        var importPage = new System.Text.RegularExpressions.Regex("/app/imports/[0-9a-f-]{36}$");
        var polls = 0;
        var loads = 0;
        page.Request += (_, r) => { if (r.Url.EndsWith("/status", StringComparison.Ordinal)) polls++; };
        page.FrameNavigated += (_, f) => { if (f == page.MainFrame && importPage.IsMatch(f.Url)) loads++; };
        // The import page as it first arrived (the script may load it again before a test could read it).
        string? landed = null;
        await page.RouteAsync(url => importPage.IsMatch(url), async route =>
        {
            var response = await route.FetchAsync();
            var body = await response.TextAsync();
            landed ??= body;
            await route.FulfillAsync(new() { Response = response, Body = body });
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and import" }).ClickAsync();
        await page.ArriveAtAsync(importPage);
        var running = landed?.Contains("data-live-import=\"/app/imports/", StringComparison.Ordinal) == true;
        // While the import runs, console.js polls its status and updates the figures; the page loads once more at the end.
        await PW.Expect(page.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 60_000 });
        await PW.Expect(page.GetByTestId("created")).ToHaveTextAsync("5");
        if (running)
        {
            Assert.True(polls >= 1, "the page did not poll the import's status");
            Assert.True(loads <= 2, $"the page was loaded {loads} times while the script followed the run");
        }
        await page.AssertAccessibleAsync();
        // The status the script polls is the API's import, in the reader's words.
        var id = page.Url[^36..];
        var status = await (await page.Context.APIRequest.GetAsync($"/app/imports/{id}/status")).JsonAsync();
        var fromApi = await (await api.CoordinatorAsync()).GetFromJsonAsync<JsonElement>($"/api/v1/imports/{id}");
        Assert.Equal("Succeeded", status!.Value.GetProperty("status").GetString());
        Assert.True(status.Value.GetProperty("finished").GetBoolean());
        foreach (var figure in new[] { "processedRows", "createdClaims", "skippedRows", "failedRows" })
            Assert.Equal(fromApi.GetProperty(figure).GetInt32(), status.Value.GetProperty(figure).GetInt32());
        var claims = await (await api.CoordinatorAsync()).GetFromJsonAsync<JsonElement>("/api/v1/claims?q=&limit=200");
        Assert.Equal(5, claims.GetProperty("items").EnumerateArray().Count(c => c.GetProperty("externalId").GetString()?.StartsWith("ucdp-ged:", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_the_other_sessions_too()
    {
        var reviewer = await api.NewPersonAsync("Reviewer");
        var phone = await browser.OpenAsync(api, width: 360);
        await phone.SignInAsync(reviewer.Email, TestApi.Password);
        var desk = await browser.OpenAsync(api);
        await desk.SignInAsync(reviewer.Email, TestApi.Password);

        await desk.GoAsync("/app");
        await desk.ClickAndWaitAsync(desk.Locator("#sign-out-everywhere"));
        await desk.ArriveAtAsync(new System.Text.RegularExpressions.Regex("/app/sign-in"));

        var response = await phone.Context.APIRequest.GetAsync("/app/claims", new() { MaxRedirects = 0 });
        Assert.Equal(302, response.Status);
        Assert.StartsWith("/app/sign-in", response.Headers["location"], StringComparison.Ordinal);
    }

    private static IFormData Form(IAPIRequestContext request, Dictionary<string, string> fields)
    {
        var form = request.CreateFormData();
        foreach (var (name, value) in fields)
            form.Set(name, value);
        return form;
    }
}
