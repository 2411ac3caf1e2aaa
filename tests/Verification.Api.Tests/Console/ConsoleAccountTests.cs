using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OtpNet;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;
using PW = Microsoft.Playwright.Assertions;

namespace Verification.Api.Tests.WebConsole;

/// <summary>
/// Accounts in the console (one's own password and two-factor sign-in; a coordinator's roles, deactivation and
/// password reset), My work against the queue route, and forms with JavaScript off. Each page sends the API's command;
/// the tests read the result back over the API or by signing in.
/// </summary>
public sealed class ConsoleAccountTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>, IAsyncLifetime
{
    private TestApi api = default!;

    public async Task InitializeAsync() => api = await TestApi.StartOnKestrelAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await api.DisposeAsync();

    [Fact]
    public async Task A_person_changes_their_own_password_and_turns_two_factor_sign_in_on()
    {
        var person = await api.NewPersonAsync("Investigator");
        var page = await browser.OpenAsync(api);
        await page.SignInAsync(person.Email, TestApi.Password);
        await page.GoAsync("/app/account");
        await page.AssertAccessibleAsync();

        // The page's own check first (two different new passwords), then the command's (a wrong current password).
        await page.Locator("#current-password").FillAsync(TestApi.Password);
        await page.Locator("#new-password").FillAsync("a new long passphrase 1");
        await page.Locator("#confirm-password").FillAsync("a new long passphrase 2");
        await page.ClickAndWaitAsync(page.GetByRole(AriaRole.Button, new() { Name = "Change the password" }));
        await PW.Expect(page.Locator("#confirm-password-error")).ToBeVisibleAsync();
        await page.Locator("#current-password").FillAsync("not my password at all");
        await page.Locator("#new-password").FillAsync("a new long passphrase 1");
        await page.Locator("#confirm-password").FillAsync("a new long passphrase 1");
        await page.ClickAndWaitAsync(page.GetByRole(AriaRole.Button, new() { Name = "Change the password" }));
        await PW.Expect(page.Locator("#current-password-error")).ToBeVisibleAsync();

        await page.Locator("#current-password").FillAsync(TestApi.Password);
        await page.Locator("#new-password").FillAsync("a new long passphrase 1");
        await page.Locator("#confirm-password").FillAsync("a new long passphrase 1");
        await page.ClickAndWaitAsync(page.GetByRole(AriaRole.Button, new() { Name = "Change the password" }));
        await PW.Expect(page.Locator(".notice.ok")).ToBeVisibleAsync();
        // This session stays open; the old password no longer signs in over the API, the new one does.
        Assert.Equal(200, (await page.Context.APIRequest.GetAsync("/app/account", new() { MaxRedirects = 0 })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = person.Email, password = TestApi.Password })).StatusCode);
        await Expect.Status(await api.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = person.Email, password = "a new long passphrase 1" }), HttpStatusCode.OK);

        // Two-factor sign-in: a QR code drawn inline, the shared key, a wrong code refused beside its field, then on.
        await page.ClickAndWaitAsync(page.GetByRole(AriaRole.Button, new() { Name = "Set up two-factor sign-in" }));
        await PW.Expect(page.Locator("svg.qr path")).ToHaveCountAsync(1);
        var key = (await page.GetByTestId("shared-key").InnerTextAsync()).Trim();
        await page.AssertAccessibleAsync();
        await page.Locator("#totp-code").FillAsync(WrongCode(key));
        await page.ClickAndWaitAsync(page.GetByRole(AriaRole.Button, new() { Name = "Turn two-factor sign-in on" }));
        await PW.Expect(page.Locator("#totp-code-error")).ToBeVisibleAsync();
        Assert.Equal(key, (await page.GetByTestId("shared-key").InnerTextAsync()).Trim());
        await page.Locator("#totp-code").FillAsync(new Totp(Base32Encoding.ToBytes(key)).ComputeTotp());
        await page.ClickAndWaitAsync(page.GetByRole(AriaRole.Button, new() { Name = "Turn two-factor sign-in on" }));
        var codes = await page.GetByTestId("recovery-codes").Locator("li").AllInnerTextsAsync();
        Assert.Equal(10, codes.Count);
        await page.GoAsync("/app/account");
        await PW.Expect(page.GetByTestId("recovery-codes")).ToHaveCountAsync(0);
        await PW.Expect(page.GetByTestId("two-factor-state")).ToBeVisibleAsync();

        // The next sign-in needs a code: without it, refused; with a recovery code, in.
        var other = await browser.OpenAsync(api);
        await other.GotoAsync("/app/sign-in");
        await other.Locator("#email").FillAsync(person.Email);
        await other.Locator("#password").FillAsync("a new long passphrase 1");
        await other.ClickAndWaitAsync(other.Locator("main button[type=submit]"));
        await PW.Expect(other.Locator("[role=alert]")).ToBeVisibleAsync();
        await other.Locator("#password").FillAsync("a new long passphrase 1");
        await other.Locator("#code").FillAsync(codes[0]);
        await other.ClickAndWaitAsync(other.Locator("main button[type=submit]"));
        await other.ArriveAtAsync(new Regex("/app$"));
    }

    [Fact]
    public async Task Coordinator_changes_roles_deactivates_reactivates_and_resets_a_password()
    {
        var person = await api.NewPersonAsync("Investigator");
        var coordinator = await browser.OpenAsync(api);
        await coordinator.SignInAsync(ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        await coordinator.GoAsync("/app/users");
        await coordinator.ClickAndWaitAsync(coordinator.GetByRole(AriaRole.Link, new() { Name = person.Email }));
        await PW.Expect(coordinator.Locator("h1")).ToHaveTextAsync(person.Email);
        await coordinator.AssertAccessibleAsync();

        // Roles: the same SetUserRoles command; read back over the API.
        await coordinator.Locator("input[name='RoleForm.Reviewer']").CheckAsync();
        await coordinator.ClickAndWaitAsync(coordinator.GetByRole(AriaRole.Button, new() { Name = "Save the roles" }));
        await PW.Expect(coordinator.Locator(".notice.ok")).ToBeVisibleAsync();
        var api1 = await api.CoordinatorAsync();
        var listed = (await api1.GetFromJsonAsync<JsonElement>("/api/v1/users?limit=200")).GetProperty("items").EnumerateArray()
            .Single(u => u.GetProperty("email").GetString() == person.Email);
        Assert.Equal(["Investigator", "Reviewer"], listed.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).Order());

        // No roles at all is the command's validation error, shown beside the field.
        foreach (var role in new[] { "Investigator", "Reviewer", "Coordinator" })
            await coordinator.Locator($"input[name='RoleForm.{role}']").UncheckAsync();
        await coordinator.ClickAndWaitAsync(coordinator.GetByRole(AriaRole.Button, new() { Name = "Save the roles" }));
        await PW.Expect(coordinator.Locator("#roles-error")).ToBeVisibleAsync();

        // Deactivated: the person's sign-in is refused; reactivated: it works again.
        await coordinator.ClickAndWaitAsync(coordinator.GetByRole(AriaRole.Button, new() { Name = "Deactivate the account" }));
        await PW.Expect(coordinator.GetByTestId("user-state")).ToHaveTextAsync("Deactivated");
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = person.Email, password = TestApi.Password })).StatusCode);
        await coordinator.ClickAndWaitAsync(coordinator.GetByRole(AriaRole.Button, new() { Name = "Reactivate the account" }));
        await PW.Expect(coordinator.GetByTestId("user-state")).ToHaveTextAsync("Active");
        await Expect.Status(await api.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = person.Email, password = TestApi.Password }), HttpStatusCode.OK);

        // Reset: a temporary password shown once; signing in with it asks for a new one, then opens the console.
        await coordinator.ClickAndWaitAsync(coordinator.GetByRole(AriaRole.Button, new() { Name = "Reset the password" }));
        var temporary = (await coordinator.GetByTestId("temporary-password").Locator("code").InnerTextAsync()).Trim();
        await coordinator.AssertAccessibleAsync();
        await coordinator.GoAsync(coordinator.Url); // read again: the temporary password is not shown again
        await PW.Expect(coordinator.GetByTestId("temporary-password")).ToHaveCountAsync(0);

        var page = await browser.OpenAsync(api);
        await page.GotoAsync("/app/sign-in");
        await page.Locator("#email").FillAsync(person.Email);
        await page.Locator("#password").FillAsync(temporary);
        await page.ClickAndWaitAsync(page.Locator("main button[type=submit]"));
        await PW.Expect(page.Locator("#new-password")).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        Assert.Equal(302, (await page.Context.APIRequest.GetAsync("/app", new() { MaxRedirects = 0 })).Status);
        await page.Locator("#password").FillAsync(temporary);
        await page.Locator("#new-password").FillAsync("my own passphrase here");
        await page.Locator("#confirm-password").FillAsync("my own passphrase here");
        await page.ClickAndWaitAsync(page.Locator("main button[type=submit]"));
        await page.ArriveAtAsync(new Regex("/app$"));
        await Expect.Status(await api.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = person.Email, password = "my own passphrase here" }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task My_work_shows_what_the_queue_route_answers()
    {
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer1 = await api.NewPersonAsync("Reviewer");
        var reviewer2 = await api.NewPersonAsync("Reviewer");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        await investigator.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();
        await Expect.Status(await reviewer1.Client.PostWithIfMatch($"/api/v1/claims/{claimId}/triage", new { decision = "Accept" }, etag), HttpStatusCode.OK);
        foreach (var origin in new[] { "first-origin", "second-origin" })
            await Expect.Status(await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{claimId}/evidence",
                new { kind = "Link", url = $"https://example.org/{origin}", origin, stance = "Supports" }), HttpStatusCode.Created);

        foreach (var person in new[] { reviewer2, investigator })
        {
            var queue = await person.Client.GetFromJsonAsync<JsonElement>("/api/v1/me/queue");
            var page = await browser.OpenAsync(api);
            await page.SignInAsync(person.Email, TestApi.Password);
            await page.GoAsync("/app");
            var counts = queue.GetProperty("counts");
            foreach (var count in await page.Locator("[data-count]").AllAsync())
            {
                var name = (await count.GetAttributeAsync("data-count"))!;
                Assert.Equal(counts.GetProperty(name).GetInt32().ToString(), (await count.Locator("strong").InnerTextAsync()).Trim());
            }
            var rows = await page.Locator("tr[data-action]").EvaluateAllAsync<string[][]>(
                "rows => rows.map(r => [r.dataset.action, r.dataset.reference, r.cells[2].dataset.due || ''])");
            var items = queue.GetProperty("items").EnumerateArray().ToList();
            Assert.NotEmpty(items);
            Assert.Equal(items.Select(i => $"{i.GetProperty("action").GetString()} {i.GetProperty("reference").GetString()}"), rows.Select(r => $"{r[0]} {r[1]}"));
            for (var n = 0; n < items.Count; n++)
                Assert.Equal(items[n].GetProperty("dueAt").ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : items[n].GetProperty("dueAt").GetDateTimeOffset(),
                    rows[n][2] == "" ? (DateTimeOffset?)null : DateTimeOffset.Parse(rows[n][2], System.Globalization.CultureInfo.InvariantCulture));
            await page.AssertAccessibleAsync();
        }
    }

    [Fact]
    public async Task Forms_work_with_JavaScript_off()
    {
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();
        var context = await browser.Browser.NewContextAsync(new() { BaseURL = api.Anonymous.BaseAddress!.ToString(), JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.SignInAsync(reviewer.Email, TestApi.Password);
        await page.GoAsync($"/app/claims/{claimId}/triage");
        await page.ClickAndWaitAsync(page.GetByRole(AriaRole.Button, new() { Name = "Record the decision" }));
        await page.ArriveAtAsync(new Regex($"/app/claims/{claimId}$"));
        await PW.Expect(page.Locator("[data-stage]")).ToHaveAttributeAsync("data-stage", "InCorroboration");

        // The language switcher without its script: the button submits it.
        await page.Locator("#language").SelectOptionAsync("fr");
        await page.ClickAndWaitAsync(page.Locator("form.lang button"));
        await PW.Expect(page.Locator("[data-stage]")).ToHaveTextAsync("En corroboration");
        Assert.Equal(HttpStatusCode.OK, (await reviewer.Client.GetAsync($"/api/v1/claims/{claimId}")).StatusCode);
        Assert.Equal("InCorroboration", (await reviewer.Client.GetFromJsonAsync<JsonElement>($"/api/v1/claims/{claimId}")).GetProperty("status").GetString());
    }

    /// <summary>A six-digit code that is none of the codes the key gives in the window the server accepts.</summary>
    private static string WrongCode(string key)
    {
        var totp = new Totp(Base32Encoding.ToBytes(key));
        var now = DateTime.UtcNow;
        var valid = Enumerable.Range(-3, 7).Select(step => totp.ComputeTotp(now.AddSeconds(30 * step))).ToHashSet();
        return Enumerable.Range(0, 1000).Select(i => i.ToString("D6")).First(c => !valid.Contains(c));
    }
}
