using System.Net;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.WebConsole;

/// <summary>
/// The console's pages × the roles, as the security suite's route matrix does for the API: anonymous people are sent
/// to the sign-in page, a role that may never use a page gets 403, and the pages of claims follow the API's visibility.
/// </summary>
public sealed class ConsoleRouteMatrixTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    private const int SignIn = 302;

    [Fact]
    public async Task Every_console_page_answers_each_role_as_the_API_would()
    {
        await using var api = await TestApi.StartOnKestrelAsync(DatabaseProvider.Sqlite);
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();
        var unknown = Guid.NewGuid();

        // path → expected status for anonymous, investigator (the submitter), reviewer, coordinator
        var matrix = new (string Path, int Anonymous, int Investigator, int Reviewer, int Coordinator)[]
        {
            ("/app/sign-in", 200, 200, 200, 200),
            ("/app", SignIn, 200, 200, 200),
            ("/app/claims", SignIn, 200, 200, 200),
            ("/app/claims/new", SignIn, 200, 200, 200),
            ($"/app/claims/{claimId}", SignIn, 200, 200, 200),
            ($"/app/claims/{unknown}", SignIn, 404, 404, 404),
            ($"/app/claims/{claimId}/triage", SignIn, 200, 200, 200),
            ($"/app/claims/{claimId}/evidence/new", SignIn, 200, 200, 200),
            ($"/app/claims/{claimId}/verdict", SignIn, 200, 200, 200),
            ($"/app/claims/{claimId}/withdraw", SignIn, 200, 200, 200),
            ($"/app/claims/{claimId}/reopen", SignIn, 200, 200, 200),
            ($"/app/claims/{claimId}/assign", SignIn, 403, 403, 200),
            ($"/app/evidence/{unknown}/review", SignIn, 404, 404, 404),
            ("/app/users", SignIn, 403, 403, 200),
            ("/app/audit", SignIn, 403, 403, 200),
            ("/app/partners", SignIn, 403, 403, 200),
            ("/app/imports", SignIn, 200, 200, 200),
            ($"/app/imports/{unknown}", SignIn, 404, 404, 404),
            ($"/app/imports/{unknown}/status", SignIn, 404, 404, 404),
            ("/app/account", SignIn, 200, 200, 200),
            ($"/app/users/{reviewer.Id}", SignIn, 403, 403, 200),
            ($"/app/users/{unknown}", SignIn, 403, 403, 404),
            ("/app/assets/console.css", 200, 200, 200, 200),
            ("/app/assets/console.js", 200, 200, 200, 200),
        };
        var people = new (string? Email, string? Password)[]
        {
            (null, null), (investigator.Email, TestApi.Password), (reviewer.Email, TestApi.Password),
            (ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword),
        };
        var failures = new List<string>();
        for (var who = 0; who < people.Length; who++)
        {
            var page = await browser.OpenAsync(api);
            if (people[who].Email is { } email)
                await page.SignInAsync(email, people[who].Password!);
            foreach (var row in matrix)
            {
                var expected = who switch { 0 => row.Anonymous, 1 => row.Investigator, 2 => row.Reviewer, _ => row.Coordinator };
                var response = await page.Context.APIRequest.GetAsync(row.Path, new() { MaxRedirects = 0 });
                if (response.Status != expected)
                    failures.Add($"{people[who].Email ?? "anonymous"} {row.Path}: {response.Status}, expected {expected}");
                if (expected == SignIn && !(response.Headers.TryGetValue("location", out var location) && location.StartsWith("/app/sign-in", StringComparison.Ordinal)))
                    failures.Add($"{row.Path}: not sent to the sign-in page");
            }
            await page.Context.CloseAsync();
        }
        Assert.Empty(failures);

        // Another investigator sees none of the first one's claim pages.
        var other = await api.NewPersonAsync("Investigator");
        var stranger = await browser.OpenAsync(api);
        await stranger.SignInAsync(other.Email, TestApi.Password);
        foreach (var path in new[] { $"/app/claims/{claimId}", $"/app/claims/{claimId}/triage", $"/app/claims/{claimId}/evidence/new", $"/app/claims/{claimId}/withdraw" })
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.Context.APIRequest.GetAsync(path, new() { MaxRedirects = 0 })).Status());
    }
}
