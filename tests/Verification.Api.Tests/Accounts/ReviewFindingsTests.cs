using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Operations;
using Verification.Persistence;

namespace Verification.Api.Tests.Accounts;

/// <summary>
/// The findings of the hostile review (issue 17), each reproduced over HTTP: every test here failed on the commit
/// before the fix and passes after it.
/// </summary>
public sealed partial class ReviewFindingsTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    private static readonly object Review = new { decision = "Accept", sourceReliability = "B", informationCredibility = 2 };

    // Finding 1.
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Two_reviewers_at_once_exactly_one_review_wins_and_the_other_is_409_or_412(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var first = await api.NewPersonAsync("Reviewer");
        var second = await api.NewPersonAsync("Reviewer");
        var claimId = (await investigator.Client.SubmitClaimAsync()).Body.GetProperty("id").GetGuid();
        var rounds = provider == DatabaseProvider.PostgreSql ? 20 : 5;
        for (var round = 0; round < rounds; round++)
        {
            var item = (await investigator.Client.AddTestimonyAsync(claimId, $"Testimony {round}", "Witness")).GetProperty("id").GetGuid();
            var url = $"/api/v1/evidence/{item}/review";
            // The first sends no If-Match, the second the version both read: the loser hears 409 or 412 respectively.
            var withoutPrecondition = first.Client.PostAsJsonAsync(url, Review);
            var withPrecondition = second.Client.SendWithIfMatch(HttpMethod.Post, url, Review, "\"1\"");
            var answers = await Task.WhenAll(withoutPrecondition, withPrecondition);
            var statuses = answers.Select(a => (int)a.StatusCode).ToArray();
            Assert.True(statuses.Count(s => s == 200) == 1, $"round {round}: {string.Join(", ", statuses)}");
            Assert.Equal(statuses[0] == 200 ? 412 : 409, statuses[0] == 200 ? statuses[1] : statuses[0]);
            var custody = await investigator.Client.CustodyActionsAsync(item);
            Assert.Equal(1, custody.Count(a => a == "Reviewed"));
        }
    }

    // Finding 2.
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Two_coordinators_demoting_each_other_at_once_leave_exactly_one(DatabaseProvider provider)
    {
        // A host of its own: the rule counts coordinators, which other tests must not change.
        await using var api = await TestApi.StartAsync(provider);
        var current = await api.CoordinatorAsync();
        var currentId = await IdOfAsync(current, ApiFactory.CoordinatorEmail);
        var rounds = provider == DatabaseProvider.PostgreSql ? 10 : 3;
        for (var round = 0; round < rounds; round++)
        {
            var a = await CreateAsync(api, current, "Coordinator");
            var b = await CreateAsync(api, current, "Coordinator");
            await Expect.Status(await current.PutAsJsonAsync($"/api/v1/users/{currentId}/roles", new { roles = new[] { "Reviewer" } }), HttpStatusCode.OK);

            var answers = await Task.WhenAll(
                a.Client.PutAsJsonAsync($"/api/v1/users/{b.Id}/roles", new { roles = new[] { "Reviewer" } }),
                b.Client.PutAsJsonAsync($"/api/v1/users/{a.Id}/roles", new { roles = new[] { "Reviewer" } }));
            var statuses = answers.Select(r => (int)r.StatusCode).ToArray();
            Assert.True(statuses.Count(s => s == 200) == 1, $"round {round}: {string.Join(", ", statuses)}");
            // The loser is refused by the rule (409), or, when the winner committed first, its own token is already dead (401).
            Assert.Contains(statuses.Single(s => s != 200), new[] { 401, 409 });
            var survivor = statuses[0] == 200 ? a : b;
            var coordinators = (await ListUsersAsync(survivor.Client))
                .Where(u => u.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "Coordinator")).ToList();
            Assert.Equal(survivor.Id, Assert.Single(coordinators).GetProperty("id").GetGuid());
            (current, currentId) = (survivor.Client, survivor.Id);
        }
    }

    // Finding 3.
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_corrupted_stored_file_is_replaced_by_a_new_upload_of_the_same_bytes_with_a_fixity_event(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var bytes = Operations.Operations.Bytes($"Satellite image of the camp, {Guid.NewGuid()}");
        var firstClaim = (await investigator.Client.SubmitClaimAsync()).Body.GetProperty("id").GetGuid();
        var secondClaim = (await investigator.Client.SubmitClaimAsync()).Body.GetProperty("id").GetGuid();
        var first = await investigator.Client.AddFileAsync(firstClaim, bytes);
        var sha = first.GetProperty("sha256").GetString()!;
        var stored = Path.Combine(api.Factory.EvidencePath, sha[..2], sha[2..4], sha);
        await File.WriteAllBytesAsync(stored, Operations.Operations.Bytes("bytes flipped on disk"));

        var second = await investigator.Client.AddFileAsync(secondClaim, bytes);

        Assert.Equal(bytes, await File.ReadAllBytesAsync(stored));
        foreach (var item in new[] { first, second })
        {
            var content = await investigator.Client.GetAsync($"/api/v1/evidence/{item.GetProperty("id")}/content");
            await Expect.Status(content, HttpStatusCode.OK);
            Assert.Equal(bytes, await content.Content.ReadAsByteArrayAsync());
        }
        var custody = await (await investigator.Client.GetAsync($"/api/v1/evidence/{first.GetProperty("id")}/custody")).Json();
        Assert.Contains(custody.GetProperty("items").EnumerateArray(), e =>
            e.GetProperty("action").GetString() == "FixityChecked" && e.GetProperty("details").GetString()!.Contains("restored", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(api.Factory.EvidencePath, ".tmp")));
    }

    // Finding 4.
    [Fact]
    public async Task A_role_change_a_deactivation_and_a_password_reset_take_effect_promptly_on_another_instance()
    {
        await using var first = await TestApi.StartAsync(DatabaseProvider.PostgreSql);
        await using var second = await first.AnotherInstanceAsync();
        var coordinatorOnSecond = await second.CoordinatorAsync();

        var demoted = await first.NewPersonAsync("Reviewer");
        await Expect.Status(await demoted.Client.GetAsync("/api/v1/claims"), HttpStatusCode.OK);
        await Expect.Status(await coordinatorOnSecond.PutAsJsonAsync($"/api/v1/users/{demoted.Id}/roles", new { roles = new[] { "Investigator" } }), HttpStatusCode.OK);
        await RefusedSoonAsync(demoted.Client);

        var removed = await first.NewPersonAsync("Reviewer");
        await Expect.Status(await coordinatorOnSecond.PostAsync($"/api/v1/users/{removed.Id}/deactivate", null), HttpStatusCode.OK);
        await RefusedSoonAsync(removed.Client);

        var reset = await first.NewPersonAsync("Reviewer");
        await Expect.Status(await coordinatorOnSecond.PostAsync($"/api/v1/users/{reset.Id}/password-reset", null), HttpStatusCode.OK);
        await RefusedSoonAsync(reset.Client);

        // The first instance caches accounts (PostgreSQL: LISTEN/NOTIFY carries the other instance's change, see
        // AccountNoticeTests): the notice arrives just after the change commits, so the refusal is awaited, well
        // within API.md's 5 s.
        static async Task RefusedSoonAsync(HttpClient client)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            HttpResponseMessage response;
            while ((response = await client.GetAsync("/api/v1/claims")).StatusCode == HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(10))
                await Task.Delay(20);
            await Expect.Problem(response, HttpStatusCode.Unauthorized);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"refused only after {clock.Elapsed.TotalSeconds:N1} s");
        }
    }

    // Finding 5.
    [Fact]
    public async Task The_jobs_dashboard_is_read_only_and_the_needed_actions_are_audited_commands()
    {
        var api = await fixture.For(DatabaseProvider.Sqlite);
        var browser = api.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var form = await browser.GetAsync("/jobs/sign-in");
        var token = Regex.Match(await form.Content.ReadAsStringAsync(), "name=\"__antiforgery\" value=\"([^\"]+)\"").Groups[1].Value;
        var signIn = await browser.PostAsync("/jobs/sign-in", new FormUrlEncodedContent(
            [new("__antiforgery", token), new("email", ApiFactory.CoordinatorEmail), new("password", ApiFactory.CoordinatorPassword)]));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        // The dashboard's own remove command, with the dashboard's antiforgery token, as its button would send it.
        var page = await (await browser.GetAsync("/jobs/recurring")).Content.ReadAsStringAsync();
        var header = Regex.Match(page, "data-antiforgery-header=\"([^\"]+)\"").Groups[1].Value;
        var value = Regex.Match(page, "data-antiforgery-token=\"([^\"]+)\"").Groups[1].Value;
        var remove = new HttpRequestMessage(HttpMethod.Post, "/jobs/recurring/remove")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", "verify-audit-chain")]),
        };
        if (header.Length > 0)
            remove.Headers.TryAddWithoutValidation(header, value);
        var removed = await browser.SendAsync(remove);
        Assert.False(removed.IsSuccessStatusCode, $"the dashboard accepted a change: {(int)removed.StatusCode}");
        using (var connection = api.Factory.Services.GetRequiredService<JobStorage>().GetConnection())
            Assert.Contains(connection.GetRecurringJobs(), j => j.Id == "verify-audit-chain");

        var coordinator = await api.CoordinatorAsync();
        var run = await coordinator.PostAsync("/api/v1/operations/integrity-check", null);
        await Expect.Status(run, HttpStatusCode.Accepted);
        Assert.False(string.IsNullOrEmpty((await run.Json()).GetProperty("jobId").GetString()));
        await Expect.Problem(await coordinator.PostAsync($"/api/v1/imports/{Guid.NewGuid()}/requeue", null), HttpStatusCode.NotFound);
        var audit = await (await coordinator.GetAsync("/api/v1/audit?limit=200")).Json();
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "RunIntegrityCheck");
    }

    // Finding 6.
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task DuplicateOf_names_an_item_only_to_someone_who_can_see_its_claim(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var owner = await api.NewPersonAsync("Investigator");
        var outsider = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var bytes = Operations.Operations.Bytes($"Photo of the market, {Guid.NewGuid()}");
        var hidden = (await owner.Client.AddFileAsync((await owner.Client.SubmitClaimAsync()).Body.GetProperty("id").GetGuid(), bytes))
            .GetProperty("id").GetGuid();
        var outsidersClaim = (await outsider.Client.SubmitClaimAsync()).Body.GetProperty("id").GetGuid();

        var added = await outsider.Client.AddFileAsync(outsidersClaim, bytes);
        var id = added.GetProperty("id").GetGuid();
        Assert.Null(DuplicateOf(added));
        Assert.Null(DuplicateOf(await (await outsider.Client.GetAsync($"/api/v1/evidence/{id}")).Json()));
        var listed = await (await outsider.Client.GetAsync($"/api/v1/claims/{outsidersClaim}/evidence")).Json();
        Assert.All(listed.GetProperty("items").EnumerateArray(), e => Assert.Null(DuplicateOf(e)));

        Assert.Equal(hidden, DuplicateOf(await (await reviewer.Client.GetAsync($"/api/v1/evidence/{id}")).Json()));
    }

    // Finding 8.
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Unknown_email_wrong_password_locked_and_deactivated_accounts_get_one_identical_refusal(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var wrong = await api.NewPersonAsync("Investigator");
        var locked = await api.NewPersonAsync("Investigator");
        var deactivated = await api.NewPersonAsync("Investigator");
        for (var attempt = 1; attempt <= 5; attempt++)
            await Expect.Status(await Login(api, locked.Email, $"wrong password number {attempt}"), HttpStatusCode.Unauthorized);
        var coordinator = await api.CoordinatorAsync();
        await Expect.Status(await coordinator.PostAsync($"/api/v1/users/{deactivated.Id}/deactivate", null), HttpStatusCode.OK);

        var refusals = new List<string>();
        foreach (var response in new[]
                 {
                     await Login(api, $"nobody-{Guid.NewGuid():N}@test.local", TestApi.Password),
                     await Login(api, wrong.Email, "not the password of this account"),
                     await Login(api, locked.Email, TestApi.Password),
                     await Login(api, deactivated.Email, TestApi.Password),
                 })
        {
            var problem = await Expect.Problem(response, HttpStatusCode.Unauthorized);
            refusals.Add(string.Join("|", problem.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}")));
        }
        Assert.Single(refusals.Distinct());

        // Lockout still holds: the locked account's right password does not sign in, and a reset by a coordinator lifts it.
        var temporary = (await (await coordinator.PostAsync($"/api/v1/users/{locked.Id}/password-reset", null)).Json())
            .GetProperty("temporaryPassword").GetString()!;
        await Expect.Status(await Login(api, locked.Email, temporary), HttpStatusCode.OK);
    }

    // Finding 9.
    [Fact]
    public async Task Forwarded_for_counts_only_from_a_known_proxy_for_the_per_client_sign_in_limit()
    {
        var limit = new Dictionary<string, string?> { ["Auth:SignInsPerMinute"] = "3" };
        await using (var direct = await TestApi.StartOnKestrelAsync(DatabaseProvider.Sqlite, limit))
        {
            // No proxy configured: a client that writes its own X-Forwarded-For is still counted as itself.
            var statuses = new List<int>();
            for (var i = 0; i < 4; i++)
                statuses.Add((int)(await SignInFrom(direct, $"198.51.100.{i + 1}")).StatusCode);
            Assert.Equal([401, 401, 401, 429], statuses);
        }
        await using var behindProxy = await TestApi.StartOnKestrelAsync(DatabaseProvider.Sqlite,
            new Dictionary<string, string?>(limit) { ["Network:KnownProxies"] = "127.0.0.1,::1" });
        // Through the trusted proxy (loopback here), each client has its own allowance.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInFrom(behindProxy, "203.0.113.7")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInFrom(behindProxy, "203.0.113.7")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInFrom(behindProxy, "203.0.113.8")).StatusCode);
    }

    private static Task<HttpResponseMessage> SignInFrom(TestApi api, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { email = "nobody@test.local", password = "not a password of anyone" }),
        };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return api.Anonymous.SendAsync(request);
    }

    internal static Task<HttpResponseMessage> Login(TestApi api, string email, string password) =>
        api.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password });

    private static Guid? DuplicateOf(JsonElement evidence) =>
        evidence.TryGetProperty("duplicateOf", out var d) && d.ValueKind == JsonValueKind.String ? d.GetGuid() : null;

    internal static async Task<Person> CreateAsync(TestApi api, HttpClient coordinator, params string[] roles)
    {
        var email = $"{string.Join("-", roles).ToLowerInvariant()}-{Guid.NewGuid():N}@test.local";
        var created = await coordinator.PostAsJsonAsync("/api/v1/users", new { email, password = TestApi.Password, roles });
        await Expect.Status(created, HttpStatusCode.Created);
        return new Person((await created.Json()).GetProperty("id").GetGuid(), email, await api.SignInAsync(email, TestApi.Password));
    }

    private static async Task<Guid> IdOfAsync(HttpClient coordinator, string email) =>
        (await ListUsersAsync(coordinator)).Single(u => u.GetProperty("email").GetString() == email).GetProperty("id").GetGuid();

    private static async Task<List<JsonElement>> ListUsersAsync(HttpClient coordinator)
    {
        var response = await coordinator.GetAsync("/api/v1/users?limit=200");
        await Expect.Status(response, HttpStatusCode.OK);
        return [.. (await response.Json()).GetProperty("items").EnumerateArray()];
    }
}
