using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OtpNet;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Accounts;

/// <summary>
/// Accounts an organisation can run (API.md, Authentication): one's own password, a coordinator's reset to a
/// temporary password, deactivation, and TOTP two-factor sign-in with recovery codes, on both providers.
/// </summary>
public sealed class AccountTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    private const string NewPassword = "a brand new passphrase of my own";

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Changing_ones_password_ends_the_other_sessions_and_the_new_password_signs_in(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var person = await api.NewPersonAsync("Investigator");
        var wrong = await person.Client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = "not my password at all", newPassword = NewPassword });
        await Expect.ValidationProblem(wrong, "currentPassword");

        var changed = await person.Client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = TestApi.Password, newPassword = NewPassword });
        await Expect.Status(changed, HttpStatusCode.OK);
        var tokens = await changed.Json();
        Assert.False(tokens.GetProperty("mustChangePassword").GetBoolean());

        await Expect.Problem(await person.Client.GetAsync("/api/v1/claims"), HttpStatusCode.Unauthorized);
        await Expect.Status(await Bearer(api, tokens.GetProperty("accessToken").GetString()!).GetAsync("/api/v1/claims"), HttpStatusCode.OK);
        await Expect.Status(await ReviewFindingsTests.Login(api, person.Email, TestApi.Password), HttpStatusCode.Unauthorized);
        await Expect.Status(await ReviewFindingsTests.Login(api, person.Email, NewPassword), HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_reset_gives_a_temporary_password_whose_token_opens_only_the_password_change(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var person = await api.NewPersonAsync("Reviewer");
        var coordinator = await api.CoordinatorAsync();
        var reset = await coordinator.PostAsync($"/api/v1/users/{person.Id}/password-reset", null);
        await Expect.Status(reset, HttpStatusCode.OK);
        var temporary = (await reset.Json()).GetProperty("temporaryPassword").GetString()!;
        Assert.True(temporary.Length >= 12);
        await Expect.Problem(await person.Client.GetAsync("/api/v1/claims"), HttpStatusCode.Unauthorized);

        var login = await ReviewFindingsTests.Login(api, person.Email, temporary);
        await Expect.Status(login, HttpStatusCode.OK);
        var tokens = await login.Json();
        Assert.True(tokens.GetProperty("mustChangePassword").GetBoolean());
        var limited = Bearer(api, tokens.GetProperty("accessToken").GetString()!);
        await Expect.Problem(await limited.GetAsync("/api/v1/claims"), HttpStatusCode.Forbidden);
        await Expect.Problem(await limited.PostAsync("/api/v1/auth/2fa/setup", null), HttpStatusCode.Forbidden);

        var changed = await limited.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = temporary, newPassword = NewPassword });
        await Expect.Status(changed, HttpStatusCode.OK);
        var fresh = await changed.Json();
        Assert.False(fresh.GetProperty("mustChangePassword").GetBoolean());
        await Expect.Status(await Bearer(api, fresh.GetProperty("accessToken").GetString()!).GetAsync("/api/v1/claims"), HttpStatusCode.OK);
        var again = await (await ReviewFindingsTests.Login(api, person.Email, NewPassword)).Json();
        Assert.False(again.GetProperty("mustChangePassword").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_deactivated_account_is_refused_at_once_kept_in_the_list_and_can_be_reactivated(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var person = await api.NewPersonAsync("Investigator");
        var (claim, _) = await person.Client.SubmitClaimAsync();
        var refresh = (await (await ReviewFindingsTests.Login(api, person.Email, TestApi.Password)).Json()).GetProperty("refreshToken").GetString();
        var coordinator = await api.CoordinatorAsync();

        var deactivated = await coordinator.PostAsync($"/api/v1/users/{person.Id}/deactivate", null);
        await Expect.Status(deactivated, HttpStatusCode.OK);
        Assert.False((await deactivated.Json()).GetProperty("active").GetBoolean());
        await Expect.Problem(await person.Client.GetAsync("/api/v1/claims"), HttpStatusCode.Unauthorized);
        await Expect.Problem(await api.Anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = refresh }), HttpStatusCode.Unauthorized);
        await Expect.Problem(await ReviewFindingsTests.Login(api, person.Email, TestApi.Password), HttpStatusCode.Unauthorized);

        // History still names the account: the claim it submitted says who.
        var read = await (await coordinator.GetAsync($"/api/v1/claims/{claim.GetProperty("id")}")).Json();
        Assert.Contains(person.Id.ToString(), read.ToString());
        var users = await (await coordinator.GetAsync("/api/v1/users?limit=200")).Json();
        Assert.Contains(users.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetGuid() == person.Id && !u.GetProperty("active").GetBoolean());

        await Expect.Status(await coordinator.PostAsync($"/api/v1/users/{person.Id}/reactivate", null), HttpStatusCode.OK);
        await Expect.Status(await ReviewFindingsTests.Login(api, person.Email, TestApi.Password), HttpStatusCode.OK);
        await Expect.Problem(await person.Client.GetAsync("/api/v1/claims"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Two_factor_sign_in_needs_a_current_code_or_an_unused_recovery_code(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var person = await api.NewPersonAsync("Reviewer");
        var (key, codes) = await EnrolAsync(person.Client);
        Assert.Equal(10, codes.Count);

        var missing = await Expect.Problem(await ReviewFindingsTests.Login(api, person.Email, TestApi.Password), HttpStatusCode.Unauthorized);
        Assert.True(missing.GetProperty("twoFactorRequired").GetBoolean());
        var wrongCode = await Expect.Problem(await Login(api, person.Email, TestApi.Password, twoFactorCode: WrongCode(key)), HttpStatusCode.Unauthorized);
        Assert.False(wrongCode.TryGetProperty("twoFactorRequired", out _));
        var wrongPassword = await Expect.Problem(await Login(api, person.Email, "not the password at all", twoFactorCode: Code(key)), HttpStatusCode.Unauthorized);
        Assert.Equal(wrongPassword.GetProperty("title").GetString(), wrongCode.GetProperty("title").GetString());

        await Expect.Status(await Login(api, person.Email, TestApi.Password, twoFactorCode: Code(key)), HttpStatusCode.OK);
        await Expect.Status(await Login(api, person.Email, TestApi.Password, recoveryCode: codes[0]), HttpStatusCode.OK);
        await Expect.Problem(await Login(api, person.Email, TestApi.Password, recoveryCode: codes[0]), HttpStatusCode.Unauthorized);

        // Neither the key nor a recovery code is in the database as it was shown.
        await using (var db = api.Factory.CreateDb())
        {
            var stored = await db.UserTokens.Where(t => t.UserId == person.Id).Select(t => t.Value).ToListAsync();
            Assert.NotEmpty(stored);
            Assert.DoesNotContain(stored, v => v != null && (v.Contains(key, StringComparison.Ordinal) || codes.Any(c => v.Contains(c, StringComparison.Ordinal))));
        }

        var signedIn = Bearer(api, (await (await Login(api, person.Email, TestApi.Password, twoFactorCode: Code(key))).Json()).GetProperty("accessToken").GetString()!);
        await Expect.Status(await signedIn.PostAsync("/api/v1/auth/2fa/disable", null), HttpStatusCode.NoContent);
        await Expect.Status(await ReviewFindingsTests.Login(api, person.Email, TestApi.Password), HttpStatusCode.OK);
    }

    [Fact]
    public async Task With_two_factor_required_a_coordinator_must_enrol_before_anything_else()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite,
            new Dictionary<string, string?> { ["Security:RequireTwoFactorForCoordinators"] = "true" });
        var coordinator = await api.CoordinatorAsync();
        var refused = await Expect.Problem(await coordinator.GetAsync("/api/v1/users"), HttpStatusCode.Forbidden);
        Assert.Equal("Two-factor sign-in required", refused.GetProperty("title").GetString());

        var (key, _) = await EnrolAsync(coordinator);
        await Expect.Status(await coordinator.GetAsync("/api/v1/users"), HttpStatusCode.OK);
        await Expect.Problem(await coordinator.PostAsync("/api/v1/auth/2fa/disable", null), HttpStatusCode.Conflict);
        await Expect.Status(await Login(api, ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword, twoFactorCode: Code(key)), HttpStatusCode.OK);

        // Other roles are not asked to enrol.
        var investigator = await ReviewFindingsTests.CreateAsync(api, coordinator, "Investigator");
        await Expect.Status(await investigator.Client.GetAsync("/api/v1/claims"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Every_account_action_is_audited_and_no_password_code_key_or_token_reaches_a_log_or_the_audit()
    {
        var capture = new LogCapture();
        using var factory = new ApiFactory(DatabaseProvider.Sqlite);
        using var host = factory.WithWebHostBuilder(b => b.ConfigureLogging(l =>
        {
            l.AddProvider(capture);
            l.AddFilter<LogCapture>(null, LogLevel.Trace);
        }));
        var anonymous = host.CreateClient();
        async Task<(HttpClient Client, JsonElement Tokens)> SignIn(string email, string password, string? code = null)
        {
            var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password, twoFactorCode = code });
            await Expect.Status(login, HttpStatusCode.OK);
            var tokens = await login.Json();
            var client = host.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
            return (client, tokens);
        }
        var secrets = new List<string> { NewPassword, TestApi.Password };
        var (coordinator, coordinatorTokens) = await SignIn(ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        secrets.Add(coordinatorTokens.GetProperty("accessToken").GetString()!);
        var email = $"audited-{Guid.NewGuid():N}@test.local";
        var id = (await (await coordinator.PostAsJsonAsync("/api/v1/users", new { email, password = TestApi.Password, roles = new[] { "Reviewer" } })).Json())
            .GetProperty("id").GetGuid();

        var temporary = (await (await coordinator.PostAsync($"/api/v1/users/{id}/password-reset", null)).Json()).GetProperty("temporaryPassword").GetString()!;
        secrets.Add(temporary);
        var (limited, _) = await SignIn(email, temporary);
        var changed = await (await limited.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = temporary, newPassword = NewPassword })).Json();
        var person = host.CreateClient();
        person.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", changed.GetProperty("accessToken").GetString());
        secrets.Add(changed.GetProperty("refreshToken").GetString()!);
        var (key, codes) = await EnrolAsync(person);
        secrets.Add(key);
        secrets.AddRange(codes);
        var code = Code(key);
        secrets.Add(code);
        await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = NewPassword, twoFactorCode = WrongCode(key) });
        var (again, _) = await SignIn(email, NewPassword, code);
        await Expect.Status(await again.PostAsync("/api/v1/auth/2fa/disable", null), HttpStatusCode.NoContent);
        await Expect.Status(await coordinator.PostAsync($"/api/v1/users/{id}/deactivate", null), HttpStatusCode.OK);
        await Expect.Status(await coordinator.PostAsync($"/api/v1/users/{id}/reactivate", null), HttpStatusCode.OK);

        var audit = await (await coordinator.GetAsync($"/api/v1/audit?entityId={id}&limit=200")).Json();
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        foreach (var action in new[] { "CreateUser", "ResetPassword", "ChangePassword", "SetUpTwoFactor", "EnableTwoFactor", "DisableTwoFactor", "DeactivateUser", "ReactivateUser" })
            Assert.Contains(action, actions);
        var auditText = audit.ToString();
        var lines = capture.Lines.ToList();
        Assert.NotEmpty(lines);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, auditText, StringComparison.Ordinal);
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static async Task<(string Key, List<string> Codes)> EnrolAsync(HttpClient client)
    {
        var setup = await client.PostAsync("/api/v1/auth/2fa/setup", null);
        await Expect.Status(setup, HttpStatusCode.OK);
        var body = await setup.Json();
        var key = body.GetProperty("sharedKey").GetString()!;
        var uri = body.GetProperty("otpauthUri").GetString()!;
        Assert.StartsWith("otpauth://totp/", uri, StringComparison.Ordinal);
        Assert.Contains($"secret={key}", uri, StringComparison.Ordinal);
        await Expect.ValidationProblem(await client.PostAsJsonAsync("/api/v1/auth/2fa/enable", new { code = WrongCode(key) }), "code");
        var enabled = await client.PostAsJsonAsync("/api/v1/auth/2fa/enable", new { code = Code(key) });
        await Expect.Status(enabled, HttpStatusCode.OK);
        return (key, [.. (await enabled.Json()).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!)]);
    }

    private static string Code(string key) => new Totp(Base32Encoding.ToBytes(key)).ComputeTotp();

    /// <summary>A six-digit code that is none of the codes the key gives in the window the server accepts.</summary>
    private static string WrongCode(string key)
    {
        var totp = new Totp(Base32Encoding.ToBytes(key));
        var now = DateTime.UtcNow;
        var valid = Enumerable.Range(-3, 7).Select(step => totp.ComputeTotp(now.AddSeconds(30 * step))).ToHashSet();
        return Enumerable.Range(0, 1000).Select(i => i.ToString("D6")).First(c => !valid.Contains(c));
    }

    private static Task<HttpResponseMessage> Login(TestApi api, string email, string password, string? twoFactorCode = null, string? recoveryCode = null) =>
        api.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password, twoFactorCode, recoveryCode });

    private static HttpClient Bearer(TestApi api, string accessToken)
    {
        var client = api.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }
}
