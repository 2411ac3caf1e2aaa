using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Maintenance;
using Verification.Api.Tests.Infrastructure;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Tests.Security;

/// <summary>
/// Refresh tokens are single-use (OWASP API2; RFC 9700 §4.14.2): a token traded twice means someone else holds it,
/// so the second trade is refused and every refresh token of the account is revoked.
/// </summary>
public sealed class RefreshTokenTests(ProvidersFixture apis) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_reused_refresh_token_is_refused_and_revokes_every_refresh_token_of_the_account(DatabaseProvider provider)
    {
        var api = await apis.For(provider);
        var person = await api.NewPersonAsync("Investigator");
        var first = await LoginAsync(api, person.Email);
        var second = await LoginAsync(api, person.Email); // another device of the same person

        var refreshed = await RefreshAsync(api, first.RefreshToken);
        await Expect.Status(refreshed, HttpStatusCode.OK);
        var successor = (await refreshed.Json()).GetProperty("refreshToken").GetString()!;

        var reused = await Expect.Problem(await RefreshAsync(api, first.RefreshToken), HttpStatusCode.Unauthorized);
        Assert.Contains("already been used", reused.GetProperty("detail").GetString());
        // The whole family is revoked: the token the first trade answered, and the other device's token.
        await Expect.Problem(await RefreshAsync(api, successor), HttpStatusCode.Unauthorized);
        await Expect.Problem(await RefreshAsync(api, second.RefreshToken), HttpStatusCode.Unauthorized);
        // The person signs in again and carries on.
        var again = await LoginAsync(api, person.Email);
        await Expect.Status(await RefreshAsync(api, again.RefreshToken), HttpStatusCode.OK);

        // What is kept is the token's hash, never the token.
        await using var db = api.Factory.CreateDb();
        var rows = await db.ConsumedRefreshTokens.AsNoTracking().Where(t => t.UserId == person.Id).ToListAsync();
        Assert.Contains(rows, r => r.TokenHash == Hashing.Sha256Hex(first.RefreshToken));
        Assert.DoesNotContain(rows, r => r.TokenHash == first.RefreshToken);
        Assert.All(rows, r => Assert.True(r.ExpiresAt > DateTime.UtcNow.AddDays(6), $"kept until the token's own expiry, not {r.ExpiresAt:o}"));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Of_concurrent_refreshes_of_one_token_exactly_one_wins(DatabaseProvider provider)
    {
        var api = await apis.For(provider);
        var person = await api.NewPersonAsync("Reviewer");
        var tokens = await LoginAsync(api, person.Email);

        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 12).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await RefreshAsync(api, tokens.RefreshToken);
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(attempts);

        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == 200));
        Assert.Equal(11, statuses.Count(s => s == 401));
        await using var db = api.Factory.CreateDb();
        Assert.Equal(1, await db.ConsumedRefreshTokens.CountAsync(t => t.TokenHash == Hashing.Sha256Hex(tokens.RefreshToken)));
    }

    [Fact]
    public async Task The_sweep_removes_used_refresh_tokens_once_they_have_expired()
    {
        var clock = new MovableClock();
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite, services: s => s.AddSingleton<TimeProvider>(clock));
        var person = await api.NewPersonAsync("Investigator");
        var tokens = await LoginAsync(api, person.Email);
        await Expect.Status(await RefreshAsync(api, tokens.RefreshToken), HttpStatusCode.OK);
        var hash = Hashing.Sha256Hex(tokens.RefreshToken);

        await SweepAsync(api);
        await using (var db = api.Factory.CreateDb())
            Assert.True(await db.ConsumedRefreshTokens.AnyAsync(t => t.TokenHash == hash), "a used token is kept while it has not expired");

        clock.Advance(TimeSpan.FromDays(8)); // refresh tokens live 7 days
        var swept = await SweepAsync(api);
        Assert.True(swept.ConsumedRefreshTokens >= 1);
        await using (var db = api.Factory.CreateDb())
            Assert.False(await db.ConsumedRefreshTokens.AnyAsync(t => t.TokenHash == hash), "the sweep should remove an expired used token");
        // Without its row the expired token is still refused, by its own expiry.
        await Expect.Problem(await RefreshAsync(api, tokens.RefreshToken), HttpStatusCode.Unauthorized);
    }

    private sealed record Tokens(string AccessToken, string RefreshToken);

    private static async Task<Tokens> LoginAsync(TestApi api, string email)
    {
        var response = await api.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = TestApi.Password });
        await Expect.Status(response, HttpStatusCode.OK);
        var body = await response.Json();
        return new Tokens(body.GetProperty("accessToken").GetString()!, body.GetProperty("refreshToken").GetString()!);
    }

    private static Task<HttpResponseMessage> RefreshAsync(TestApi api, string refreshToken) =>
        api.Anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });

    private static async Task<SweepExpired.Result> SweepAsync(TestApi api)
    {
        // The recurring job sends exactly this command; sending it here runs the same code without waiting an hour.
        using var scope = api.Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new SweepExpired.Command());
    }

    /// <summary>The system clock, moved forward on demand.</summary>
    private sealed class MovableClock : TimeProvider
    {
        private TimeSpan _offset;

        public void Advance(TimeSpan by) => _offset += by;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
    }
}
