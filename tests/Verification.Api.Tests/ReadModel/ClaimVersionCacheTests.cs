using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.ReadModel;

/// <summary>
/// A reviewer's conditional read is answered from the claim versions known current (<see cref="ClaimVersions"/>)
/// without the database; every write through the API ends that at once on the instance that made it, and on
/// PostgreSQL promptly on every other instance (a notice in the write's transaction). An investigator's conditional
/// read always goes to the database, since the versions say nothing of who may see a claim.
/// </summary>
public sealed class ClaimVersionCacheTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_reviewer_is_answered_from_the_known_version_and_a_write_through_the_api_ends_it_at_once(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var versions = api.Factory.Services.GetRequiredService<ClaimVersions>();
        await ListeningAsync(versions);
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var version = claim.GetProperty("version").GetInt64();
        var url = $"/api/v1/claims/{id}";

        // A submission announces nothing (no instance can hold a version of a claim that did not exist); a read keeps it.
        Assert.False(versions.IsCurrent(id, version));
        await Expect.Status(await reviewer.Client.GetAsync(url), HttpStatusCode.OK);
        Assert.True(versions.IsCurrent(id, version));

        // The proof that the reviewer's 304 does not read the database: a version changed behind the API's back (which
        // no code path of the API does) is not seen by the reviewer, while the investigator's read, which must check the
        // claim's row for its visibility rule, sees it.
        await using (var db = api.Factory.CreateDb())
            Assert.Equal(1, await db.Claims.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Version, c => c.Version + 100)));
        Assert.Equal(HttpStatusCode.NotModified, (await reviewer.Client.SendAsync(Conditional(url, etag))).StatusCode);
        await Expect.Status(await investigator.Client.SendAsync(Conditional(url, etag)), HttpStatusCode.OK);
        await using (var db = api.Factory.CreateDb())
            Assert.Equal(1, await db.Claims.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Version, c => c.Version - 100)));
        // The investigator's read kept the version it found; the reviewer's next read puts the true one back.
        Assert.False(versions.IsCurrent(id, version));
        await Expect.Status(await reviewer.Client.GetAsync(url), HttpStatusCode.OK);
        Assert.True(versions.IsCurrent(id, version));

        // A stranger sending the tag the cache holds: 404, as without the header (the cache answers only those who see all).
        var stranger = await api.NewPersonAsync("Investigator");
        await Expect.Problem(await stranger.Client.SendAsync(Conditional(url, etag)), HttpStatusCode.NotFound);

        // A write through the API: the very next conditional read with the old tag gets the new version.
        await Expect.Status(await reviewer.Client.PostWithIfMatch($"{url}/triage", new { decision = "Accept" }, etag), HttpStatusCode.OK);
        Assert.False(versions.IsCurrent(id, version));
        var changed = await reviewer.Client.SendAsync(Conditional(url, etag));
        await Expect.Status(changed, HttpStatusCode.OK);
        var current = changed.Headers.ETag!.Tag;
        Assert.NotEqual(etag, current);
        Assert.True(versions.IsCurrent(id, long.Parse(current.Trim('"'))));
        Assert.Equal(HttpStatusCode.NotModified, (await reviewer.Client.SendAsync(Conditional(url, current))).StatusCode);

        // A write refused by the workflow changes nothing and leaves the version known.
        await Expect.Problem(await reviewer.Client.PostWithIfMatch($"{url}/triage", new { decision = "Accept" }, current), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NotModified, (await reviewer.Client.SendAsync(Conditional(url, current))).StatusCode);
    }

    [Fact]
    public async Task On_postgresql_a_write_on_another_instance_reaches_this_one_promptly_and_a_lost_listener_empties_the_cache()
    {
        await using var first = await TestApi.StartAsync(DatabaseProvider.PostgreSql);
        await using var second = await first.AnotherInstanceAsync();
        var versions = first.Factory.Services.GetRequiredService<ClaimVersions>();
        await ListeningAsync(versions);
        await ListeningAsync(second.Factory.Services.GetRequiredService<ClaimVersions>());
        var investigator = await second.NewPersonAsync("Investigator");
        var reviewerOnSecond = await second.NewPersonAsync("Reviewer");
        // The same reviewer's token on the first instance (the instances share the keys).
        var reviewerOnFirst = first.Factory.CreateClient();
        reviewerOnFirst.DefaultRequestHeaders.Authorization = reviewerOnSecond.Client.DefaultRequestHeaders.Authorization;

        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var url = $"/api/v1/claims/{id}";
        await Expect.Status(await reviewerOnFirst.GetAsync(url), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotModified, (await reviewerOnFirst.SendAsync(Conditional(url, etag))).StatusCode);
        Assert.True(versions.IsCurrent(id, claim.GetProperty("version").GetInt64()));

        // Triaged on the second instance: the first answers the old tag with the new version as soon as the notice is in.
        var since = Stopwatch.StartNew();
        await Expect.Status(await reviewerOnSecond.Client.PostWithIfMatch($"{url}/triage", new { decision = "Accept" }, etag), HttpStatusCode.OK);
        var status = await StaleTagStatusAsync(reviewerOnFirst, url, etag);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(since.Elapsed < TimeSpan.FromSeconds(3), $"the first instance answered 304 for {since.Elapsed.TotalSeconds:N1} s");

        // Cached again on the first instance; then its listening connection dies: what it held goes, and it comes back.
        var fresh = await reviewerOnFirst.GetAsync(url);
        var current = fresh.Headers.ETag!.Tag;
        var currentVersion = long.Parse(current.Trim('"'));
        Assert.True(versions.IsCurrent(id, currentVersion));
        await using (var db = first.Factory.CreateDb())
        {
            var ended = await db.Database.SqlQuery<bool>($"""
                SELECT pg_terminate_backend(pid) AS "Value" FROM pg_stat_activity
                WHERE application_name = {ChangeNoticeListener.ApplicationName} AND datname = current_database()
                """).ToListAsync();
            Assert.Equal(2, ended.Count(e => e)); // one per instance
        }
        var lost = Stopwatch.StartNew();
        while (versions.IsCurrent(id, currentVersion) && lost.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(10);
        Assert.False(versions.IsCurrent(id, currentVersion), "the cache outlived its lost listener");
        await ListeningAsync(versions);
        Assert.Equal(HttpStatusCode.NotModified, (await reviewerOnFirst.SendAsync(Conditional(url, current))).StatusCode);
        Assert.True(versions.IsCurrent(id, currentVersion));
    }

    [Fact]
    public async Task With_the_cache_turned_off_every_conditional_read_reads_the_database()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["ReadModel:VersionCacheSeconds"] = "0" });
        var versions = api.Factory.Services.GetRequiredService<ClaimVersions>();
        Assert.False(versions.Caches);
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var url = $"/api/v1/claims/{id}";
        await Expect.Status(await reviewer.Client.GetAsync(url), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotModified, (await reviewer.Client.SendAsync(Conditional(url, etag))).StatusCode);
        Assert.Equal(0, versions.Count);

        // A version changed behind the API's back is seen at once: nothing was kept.
        await using (var db = api.Factory.CreateDb())
            Assert.Equal(1, await db.Claims.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Version, c => c.Version + 100)));
        await Expect.Status(await reviewer.Client.SendAsync(Conditional(url, etag)), HttpStatusCode.OK);
    }

    /// <summary>The first answer other than 304 to the stale tag, polling for up to 10 s.</summary>
    private static async Task<HttpStatusCode> StaleTagStatusAsync(HttpClient client, string url, string tag)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = (await client.SendAsync(Conditional(url, tag))).StatusCode;
            if (status == HttpStatusCode.NotModified)
                await Task.Delay(10);
        }
        while (status == HttpStatusCode.NotModified && clock.Elapsed < TimeSpan.FromSeconds(10));
        return status;
    }

    private static async Task ListeningAsync(ClaimVersions versions)
    {
        Assert.True(versions.Caches);
        if (!versions.NeedsNotices)
            return;
        var clock = Stopwatch.StartNew();
        while (!versions.Listening && clock.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(20);
        Assert.True(versions.Listening, "the change notice listener did not connect");
    }

    private static HttpRequestMessage Conditional(string url, string tag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("If-None-Match", tag);
        return request;
    }
}
