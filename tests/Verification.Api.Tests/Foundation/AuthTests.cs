using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Foundation;

/// <summary>Signing in, tokens, lockout, the absence of self-registration, staff management and the first coordinator.</summary>
public sealed class AuthTests(SqliteApiFixture fixture) : IClassFixture<SqliteApiFixture>
{
    private TestApi Api => fixture.Api;

    [Fact]
    public async Task Login_answers_an_access_token_its_lifetime_and_a_refresh_token()
    {
        var tokens = await LoginAsync(ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        Assert.False(string.IsNullOrWhiteSpace(tokens.GetProperty("accessToken").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(tokens.GetProperty("refreshToken").GetString()));
        Assert.Equal(15 * 60, tokens.GetProperty("expiresIn").GetInt32());
    }

    [Fact]
    public async Task A_refresh_token_buys_a_new_access_token_that_works()
    {
        var tokens = await LoginAsync(ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        var refreshed = await Api.Anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        await Expect.Status(refreshed, HttpStatusCode.OK);
        var access = (await refreshed.Json()).GetProperty("accessToken").GetString();
        Assert.False(string.IsNullOrWhiteSpace(access));
        Assert.NotEqual(tokens.GetProperty("accessToken").GetString(), access);
        await Expect.Status(await Bearer(access!).GetAsync("/api/v1/users"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_garbage_refresh_token_is_401()
    {
        await Expect.Problem(await Api.Anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "not-a-token-we-issued" }),
            HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_wrong_password_is_401_and_an_unknown_email_answers_exactly_the_same()
    {
        var person = await Api.NewPersonAsync("Investigator");
        var wrong = await Expect.Problem(await Login(person.Email, "not the password of this account"), HttpStatusCode.Unauthorized);
        var unknown = await Expect.Problem(await Login($"nobody-{Guid.NewGuid():N}@test.local", "not the password of this account"),
            HttpStatusCode.Unauthorized);
        Assert.Equal(wrong.GetProperty("title").GetString(), unknown.GetProperty("title").GetString());
        Assert.Equal(wrong.GetProperty("detail").GetString(), unknown.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused()
    {
        var person = await Api.NewPersonAsync("Investigator");
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var refused = await Expect.Problem(await Login(person.Email, $"wrong password number {attempt}"), HttpStatusCode.Unauthorized);
            Assert.Equal("Sign-in failed", refused.GetProperty("title").GetString());
        }
        await Expect.Problem(await Login(person.Email, "wrong password number 5"), HttpStatusCode.Unauthorized);

        // Locked, and told so in the same words as any refused sign-in (API.md: no lever to learn which accounts exist).
        var locked = await Expect.Problem(await Login(person.Email, TestApi.Password), HttpStatusCode.Unauthorized);
        Assert.Equal("Sign-in failed", locked.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("/api/v1/auth/register")]
    [InlineData("/api/v1/register")]
    [InlineData("/api/v1/users/register")]
    public async Task There_is_no_self_registration(string route)
    {
        var body = new { email = $"self-{Guid.NewGuid():N}@test.local", password = "a long enough self chosen passphrase" };
        var anonymous = await Api.Anonymous.PostAsJsonAsync(route, body);
        Assert.False(anonymous.IsSuccessStatusCode, $"POST {route} anonymously answered {(int)anonymous.StatusCode}");
        var investigator = await Api.NewPersonAsync("Investigator");
        var signedIn = await investigator.Client.PostAsJsonAsync(route, body);
        Assert.True(signedIn.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.Forbidden,
            $"POST {route} answered {(int)signedIn.StatusCode}");
        await Expect.Problem(await Login(body.email, body.password), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("Investigator")]
    [InlineData("Reviewer")]
    public async Task Only_a_coordinator_manages_users(string role)
    {
        var person = await Api.NewPersonAsync(role);
        await Expect.Problem(await person.Client.GetAsync("/api/v1/users"), HttpStatusCode.Forbidden);
        await Expect.Problem(await person.Client.PostAsJsonAsync("/api/v1/users",
            new { email = $"x-{Guid.NewGuid():N}@test.local", password = TestApi.Password, roles = new[] { "Coordinator" } }), HttpStatusCode.Forbidden);
        await Expect.Problem(await person.Client.PutAsJsonAsync($"/api/v1/users/{person.Id}/roles", new { roles = new[] { "Coordinator" } }),
            HttpStatusCode.Forbidden);
        await Expect.Problem(await Api.Anonymous.GetAsync("/api/v1/users"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_password_under_12_characters_is_400_on_password()
    {
        var coordinator = await Api.CoordinatorAsync();
        var response = await coordinator.PostAsJsonAsync("/api/v1/users",
            new { email = $"short-{Guid.NewGuid():N}@test.local", password = "elevenchars", roles = new[] { "Investigator" } });
        await Expect.ValidationProblem(response, "password");
    }

    [Fact]
    public async Task A_second_user_with_the_same_email_is_409()
    {
        var person = await Api.NewPersonAsync("Investigator");
        var coordinator = await Api.CoordinatorAsync();
        await Expect.Problem(await coordinator.PostAsJsonAsync("/api/v1/users",
            new { email = person.Email, password = "another long passphrase here", roles = new[] { "Reviewer" } }), HttpStatusCode.Conflict);
        // Email addresses are compared without case.
        await Expect.Problem(await coordinator.PostAsJsonAsync("/api/v1/users",
            new { email = person.Email.ToUpperInvariant(), password = "another long passphrase here", roles = new[] { "Reviewer" } }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_unknown_role_is_400_on_roles()
    {
        var coordinator = await Api.CoordinatorAsync();
        await Expect.ValidationProblem(await coordinator.PostAsJsonAsync("/api/v1/users",
            new { email = $"role-{Guid.NewGuid():N}@test.local", password = TestApi.Password, roles = new[] { "Administrator" } }), "roles");
        var person = await Api.NewPersonAsync("Investigator");
        await Expect.ValidationProblem(await coordinator.PutAsJsonAsync($"/api/v1/users/{person.Id}/roles", new { roles = new[] { "Root" } }), "roles");
        await Expect.ValidationProblem(await coordinator.PutAsJsonAsync($"/api/v1/users/{person.Id}/roles", new { roles = Array.Empty<string>() }), "roles");
    }

    [Fact]
    public async Task A_coordinator_lists_users_with_their_roles()
    {
        var person = await Api.NewPersonAsync("Reviewer");
        var coordinator = await Api.CoordinatorAsync();
        var users = await ListAllUsersAsync(coordinator);
        var listed = Assert.Single(users, u => u.GetProperty("id").GetGuid() == person.Id);
        Assert.Equal(person.Email, listed.GetProperty("email").GetString());
        Assert.Equal(["Reviewer"], listed.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains(users, u => u.GetProperty("email").GetString() == ApiFactory.CoordinatorEmail);
    }

    [Fact]
    public async Task New_roles_apply_after_signing_in_again()
    {
        var person = await Api.NewPersonAsync("Investigator");
        var author = await Api.NewPersonAsync("Investigator");
        var (claim, etag) = await author.Client.SubmitClaimAsync();
        var triage = $"/api/v1/claims/{claim.GetProperty("id")}/triage";
        await Expect.Problem(await person.Client.PostWithIfMatch(triage, new { decision = "Accept" }, etag), HttpStatusCode.Forbidden);

        var coordinator = await Api.CoordinatorAsync();
        var changed = await coordinator.PutAsJsonAsync($"/api/v1/users/{person.Id}/roles", new { roles = new[] { "Reviewer" } });
        await Expect.Status(changed, HttpStatusCode.OK);
        Assert.Equal(["Reviewer"], (await changed.Json()).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        var asReviewer = await Api.SignInAsync(person.Email, TestApi.Password);
        await Expect.Status(await asReviewer.PostWithIfMatch(triage, new { decision = "Accept" }, etag), HttpStatusCode.OK);
        await Expect.Problem(await asReviewer.PostAsJsonAsync("/api/v1/claims", Kidal.Claim()), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Changing_roles_retires_the_users_refresh_tokens()
    {
        var person = await Api.NewPersonAsync("Investigator");
        var tokens = await LoginAsync(person.Email, TestApi.Password);
        var refreshToken = tokens.GetProperty("refreshToken").GetString();
        await Expect.Status(await Api.Anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }), HttpStatusCode.OK);

        var coordinator = await Api.CoordinatorAsync();
        await Expect.Status(await coordinator.PutAsJsonAsync($"/api/v1/users/{person.Id}/roles", new { roles = new[] { "Reviewer" } }),
            HttpStatusCode.OK);
        await Expect.Problem(await Api.Anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_last_coordinator_keeps_the_role()
    {
        // A host of its own: the rule depends on how many coordinators exist, which other tests must not change.
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        var coordinator = await api.CoordinatorAsync();
        var users = await ListAllUsersAsync(coordinator);
        var only = Assert.Single(users, u => u.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "Coordinator"));
        var id = only.GetProperty("id").GetGuid();

        await Expect.Problem(await coordinator.PutAsJsonAsync($"/api/v1/users/{id}/roles", new { roles = new[] { "Reviewer" } }),
            HttpStatusCode.Conflict);

        // With a second coordinator, the first may step down.
        var second = await api.NewPersonAsync("Coordinator");
        await Expect.Status(await coordinator.PutAsJsonAsync($"/api/v1/users/{id}/roles", new { roles = new[] { "Reviewer" } }), HttpStatusCode.OK);
        await Expect.Problem(await second.Client.PutAsJsonAsync($"/api/v1/users/{second.Id}/roles", new { roles = new[] { "Investigator" } }),
            HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task With_no_bootstrap_settings_the_first_start_creates_coordinator_at_localhost()
    {
        using var factory = new ApiFactory(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Bootstrap:CoordinatorEmail"] = "",
            ["Bootstrap:CoordinatorPassword"] = "",
        });
        _ = factory.Server;
        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var coordinator = await users.FindByEmailAsync("coordinator@localhost");
        Assert.NotNull(coordinator);
        Assert.True(await users.IsInRoleAsync(coordinator, Roles.Coordinator));
        Assert.True(await users.HasPasswordAsync(coordinator));
        Assert.Null(await users.FindByEmailAsync(ApiFactory.CoordinatorEmail));
        Assert.Single(users.Users);
    }

    [Fact]
    public async Task The_generated_first_coordinator_password_is_printed_once_and_signs_in()
    {
        var folder = TempFolder();
        try
        {
            await using var api = await ApiProcess.StartReadyAsync(folder, ProcessSettings(folder, email: null, password: null));
            var match = Regex.Match(api.Output, @"password:\s+(\S+)");
            Assert.True(match.Success, $"no password was printed:\n{api.Output}");
            var password = match.Groups[1].Value;
            Assert.Single(Regex.Matches(api.Output, Regex.Escape(password)));

            using var client = api.CreateClient();
            var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "coordinator@localhost", password });
            await Expect.Status(login, HttpStatusCode.OK);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_bootstrap_password_that_fails_the_policy_stops_the_start_with_a_clear_message()
    {
        var folder = TempFolder();
        try
        {
            var settings = ProcessSettings(folder, email: "a@b.c", password: "short");
            settings["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
            await using var api = ApiProcess.Start(folder, settings);
            var exitCode = await api.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(exitCode is not null, $"the API is still running after 60 s:\n{api.Output}");
            Assert.NotEqual(0, exitCode);
            Assert.Contains("password policy", api.Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static string TempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "verification-process-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    internal static Dictionary<string, string?> ProcessSettings(string folder, string? email, string? password) => new()
    {
        ["ConnectionStrings__Verification"] = $"Data Source={Path.Combine(folder, "verification.db")}",
        ["Evidence__StoragePath"] = Path.Combine(folder, "evidence"),
        ["Bootstrap__CoordinatorEmail"] = email,
        ["Bootstrap__CoordinatorPassword"] = password,
        ["ASPNETCORE_URLS"] = ApiProcess.FreeLoopbackUrl(),
    };

    private Task<HttpResponseMessage> Login(string email, string password) =>
        Api.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password });

    private async Task<JsonElement> LoginAsync(string email, string password)
    {
        var response = await Login(email, password);
        await Expect.Status(response, HttpStatusCode.OK);
        return await response.Json();
    }

    private HttpClient Bearer(string accessToken)
    {
        var client = Api.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    private static async Task<List<JsonElement>> ListAllUsersAsync(HttpClient coordinator)
    {
        var users = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await coordinator.GetAsync("/api/v1/users?limit=200" + (cursor is null ? "" : $"&cursor={cursor}"));
            await Expect.Status(page, HttpStatusCode.OK);
            var body = await page.Json();
            users.AddRange(body.GetProperty("items").EnumerateArray());
            cursor = body.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        return users;
    }
}
