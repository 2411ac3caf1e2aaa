using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Accounts;

/// <summary>
/// The account checks keep an account's state for at most 5 s (Security:AccountCacheSeconds, on by default on
/// SQLite) and the decrypted bearer tokens for their lifetime: a change made through this instance is still refused
/// on the very next request, and a change this instance did not see (another instance, a database edit) within 5 s.
/// PostgreSQL runs with the cache switched on by setting, to hold it to the same promise there.
/// </summary>
public sealed class AccountCacheTests
{
    private static readonly Dictionary<string, string?> CacheOn = new() { ["Security:AccountCacheSeconds"] = "5" };

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_cached_account_is_refused_on_the_next_request_after_a_role_change_or_a_deactivation(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider, CacheOn);
        var coordinator = await api.CoordinatorAsync();

        var demoted = await api.NewPersonAsync("Reviewer");
        // Twice: the second request is answered from the caches (state and token).
        await Expect.Status(await demoted.Client.GetAsync("/api/v1/claims"), HttpStatusCode.OK);
        await Expect.Status(await demoted.Client.GetAsync("/api/v1/claims"), HttpStatusCode.OK);
        await Expect.Status(await coordinator.PutAsJsonAsync($"/api/v1/users/{demoted.Id}/roles", new { roles = new[] { "Investigator" } }), HttpStatusCode.OK);
        await Expect.Problem(await demoted.Client.GetAsync("/api/v1/claims"), HttpStatusCode.Unauthorized);

        var removed = await api.NewPersonAsync("Investigator");
        await Expect.Status(await removed.Client.GetAsync("/api/v1/claims"), HttpStatusCode.OK);
        await Expect.Status(await coordinator.PostAsync($"/api/v1/users/{removed.Id}/deactivate", null), HttpStatusCode.OK);
        await Expect.Problem(await removed.Client.GetAsync("/api/v1/claims"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_change_this_instance_did_not_make_is_refused_within_five_seconds(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider, CacheOn);
        var person = await api.NewPersonAsync("Reviewer");
        await Expect.Status(await person.Client.GetAsync("/api/v1/claims"), HttpStatusCode.OK);

        // As another instance would: the stamp changes in the database, not through this host's user store.
        await using (var db = api.Factory.CreateDb())
        {
            var changed = await db.Users.Where(u => u.Id == person.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, Guid.NewGuid().ToString("N").ToUpperInvariant()));
            Assert.Equal(1, changed);
        }
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = (await person.Client.GetAsync("/api/v1/claims")).StatusCode;
            if (status == HttpStatusCode.OK)
                await Task.Delay(250);
        }
        while (status == HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        // 5 s of cache, and a margin for a loaded machine between the edit and the request that saw it.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6.5), $"refused only after {clock.Elapsed.TotalSeconds:N1} s");
    }
}
