using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Accounts;

/// <summary>
/// On PostgreSQL each instance caches account states (at most 5 s) and hears the other instances' changes through
/// LISTEN/NOTIFY: a change made on one instance is refused on another well before the 5 s bound, and a lost notice
/// connection throws the cache away and keeps it off until the notices are heard again.
/// </summary>
public sealed class AccountNoticeTests
{
    // Less than the cache lifetime (5 s) after the state was cached: a refusal within it came from the notice.
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_change_on_one_instance_is_refused_promptly_on_another_that_had_the_account_cached()
    {
        await using var first = await TestApi.StartAsync(DatabaseProvider.PostgreSql);
        await using var second = await first.AnotherInstanceAsync();
        await ListeningAsync(first);
        await ListeningAsync(second);
        var coordinatorOnSecond = await second.CoordinatorAsync();

        var removed = await ReviewerOnFirstAsync(first, second);
        var demoted = await ReviewerOnFirstAsync(first, second);
        var reset = await ReviewerOnFirstAsync(first, second);
        var changes = new (Person Person, Func<Task<HttpResponseMessage>> Change)[]
        {
            (removed, () => coordinatorOnSecond.PostAsync($"/api/v1/users/{removed.Id}/deactivate", null)),
            (demoted, () => coordinatorOnSecond.PutAsJsonAsync($"/api/v1/users/{demoted.Id}/roles", new { roles = new[] { "Investigator" } })),
            (reset, () => coordinatorOnSecond.PostAsync($"/api/v1/users/{reset.Id}/password-reset", null)),
        };
        foreach (var (person, change) in changes)
        {
            // Twice: the second answer comes from the first instance's caches (state and token).
            await Expect.Status(await person.Client.GetAsync("/api/v1/claims"), HttpStatusCode.OK);
            await Expect.Status(await person.Client.GetAsync("/api/v1/claims"), HttpStatusCode.OK);
            var cachedAt = Stopwatch.StartNew();
            await Expect.Status(await change(), HttpStatusCode.OK);
            await RefusedWithinAsync(person, cachedAt, Promptly);
        }
        Assert.True(first.Factory.Services.GetRequiredService<AccountStates>().Caches);
    }

    [Fact]
    public async Task A_lost_notice_connection_drops_the_cache_and_the_notices_resume_after_the_reconnect()
    {
        await using var first = await TestApi.StartAsync(DatabaseProvider.PostgreSql);
        await using var second = await first.AnotherInstanceAsync();
        var accounts = first.Factory.Services.GetRequiredService<AccountStates>();
        await ListeningAsync(first);
        await ListeningAsync(second);

        var person = await ReviewerOnFirstAsync(first, second);
        await Expect.Status(await person.Client.GetAsync("/api/v1/claims"), HttpStatusCode.OK);
        await Expect.Status(await person.Client.GetAsync("/api/v1/claims"), HttpStatusCode.OK);
        var cachedAt = Stopwatch.StartNew();
        await using (var db = first.Factory.CreateDb())
        {
            // A change whose notice never arrives (as if sent while the connection was down): no NOTIFY with this edit.
            Assert.Equal(1, await db.Users.Where(u => u.Id == person.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, Guid.NewGuid().ToString("N").ToUpperInvariant())));
            // The first instance's listening connection dies.
            var ended = await db.Database.SqlQuery<bool>($"""
                SELECT pg_terminate_backend(pid) AS "Value" FROM pg_stat_activity
                WHERE application_name = {ChangeNoticeListener.ApplicationName} AND datname = current_database()
                """).ToListAsync();
            Assert.Equal(2, ended.Count(e => e)); // one per instance
        }
        // Losing the connection threw the cache away: the edit is seen long before the 5 s bound.
        await RefusedWithinAsync(person, cachedAt, Promptly);

        // The listener comes back, and changes made on the other instance are heard again.
        await ListeningAsync(first);
        await ListeningAsync(second);
        Assert.True(accounts.Listening);
        var demoted = await ReviewerOnFirstAsync(first, second);
        await Expect.Status(await demoted.Client.GetAsync("/api/v1/claims"), HttpStatusCode.OK);
        await Expect.Status(await demoted.Client.GetAsync("/api/v1/claims"), HttpStatusCode.OK);
        var again = Stopwatch.StartNew();
        var coordinatorOnSecond = await second.CoordinatorAsync();
        await Expect.Status(await coordinatorOnSecond.PostAsync($"/api/v1/users/{demoted.Id}/deactivate", null), HttpStatusCode.OK);
        await RefusedWithinAsync(demoted, again, Promptly);
    }

    /// <summary>
    /// A reviewer created and signed in on the second instance, calling the first with that token (the instances share
    /// the keys). The first instance never wrote the account, so it keeps its state from the first request on: a
    /// write through an instance holds that instance's cache back for a lifetime, which would hide the notices here.
    /// </summary>
    private static async Task<Person> ReviewerOnFirstAsync(TestApi first, TestApi second)
    {
        var person = await second.NewPersonAsync("Reviewer");
        var client = first.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = person.Client.DefaultRequestHeaders.Authorization;
        return person with { Client = client };
    }

    private static async Task ListeningAsync(TestApi api)
    {
        var accounts = api.Factory.Services.GetRequiredService<AccountStates>();
        var clock = Stopwatch.StartNew();
        while (!accounts.Listening && clock.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(20);
        Assert.True(accounts.Listening, "the account change listener did not connect");
    }

    private static async Task RefusedWithinAsync(Person person, Stopwatch since, TimeSpan bound)
    {
        HttpStatusCode status;
        do
        {
            status = (await person.Client.GetAsync("/api/v1/claims")).StatusCode;
            if (status == HttpStatusCode.OK)
                await Task.Delay(20);
        }
        while (status == HttpStatusCode.OK && since.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(since.Elapsed < bound, $"refused only after {since.Elapsed.TotalSeconds:N1} s");
    }
}
