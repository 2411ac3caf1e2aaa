using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Claims;
using Verification.Api.Features.ReadModel;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.ReadModel;

/// <summary>
/// Reading one claim runs EF Core's own SQL through a prepared ADO.NET command (<see cref="PreparedQuery"/>), on SQLite
/// over connections it keeps open. It must answer exactly what EF Core's query answers, for every kind of caller and
/// for a known or unknown version, and a kept connection must never read an older snapshot than the last commit.
/// </summary>
public sealed class PreparedReadTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_prepared_read_answers_what_EF_Core_answers_for_every_caller_and_version(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var me = world.Investigator;
        var other = await world.Api.NewPersonAsync("Investigator");
        var (own, _) = await me.Client.SubmitClaimAsync();
        var (assigned, assignedTag) = await other.Client.SubmitClaimAsync();
        var (foreign, _) = await other.Client.SubmitClaimAsync();
        var assignedId = assigned.GetProperty("id").GetGuid();
        await Expect.Status(await world.Coordinator.PostWithIfMatch($"/api/v1/claims/{assignedId}/assignments", new { userId = me.Id }, assignedTag),
            HttpStatusCode.OK);
        var ids = new[] { own.GetProperty("id").GetGuid(), assignedId, foreign.GetProperty("id").GetGuid(), Guid.NewGuid() };

        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        using var anyClaim = GetClaimDocument.PrepareAnyClaim(db);
        using var ofInvestigator = GetClaimDocument.PrepareClaimOfInvestigator(db);
        var seen = new List<GetClaimDocument.Row?>();
        foreach (var id in ids)
        {
            var version = await db.Claims.Where(c => c.Id == id).Select(c => (long?)c.Version).FirstOrDefaultAsync();
            foreach (var known in new[] { -1L, version ?? 1, (version ?? 1) + 1 })
            {
                var expectedAll = await GetClaimDocument.AnyClaim(db, id, known).FirstOrDefaultAsync();
                var actualAll = await anyClaim.ReadAsync(GetClaimDocument.ReadRowAsync, CancellationToken.None, id, known);
                AssertSame(expectedAll, actualAll);
                var expectedMine = await GetClaimDocument.ClaimOfInvestigator(db, id, me.Id, known).FirstOrDefaultAsync();
                var actualMine = await ofInvestigator.ReadAsync(GetClaimDocument.ReadRowAsync, CancellationToken.None, id, me.Id, known);
                AssertSame(expectedMine, actualMine);
                seen.Add(actualMine);
            }
        }

        // The cases are real ones: the investigator's own and assigned claims are found with their bytes (none when the
        // version is the known one), the foreign and the unknown claims are not found at all.
        Assert.All(seen.Take(6), row => Assert.NotNull(row));
        Assert.All(seen.Skip(6), row => Assert.Null(row));
        Assert.NotNull(seen[0]!.Staff);
        Assert.Null(seen[1]!.Staff);
        Assert.NotNull(seen[2]!.Staff);
        Assert.NotNull(seen[3]!.Staff);
        Assert.Null(seen[4]!.Staff);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Every_kept_connection_reads_the_last_commit_and_the_visibility_rule_holds_over_HTTP(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var (claim, etag) = await world.Investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var url = $"/api/v1/claims/{id}";
        var stranger = await world.Api.NewPersonAsync("Investigator");
        var assignee = await world.Api.NewPersonAsync("Investigator");
        await Expect.Problem(await assignee.Client.GetAsync(url), HttpStatusCode.NotFound);

        // Readers in parallel, so that several connections are opened and kept; then one change; then every reader again.
        async Task<long[]> ReadAllAsync(HttpClient client) => await Task.WhenAll(Enumerable.Range(0, 24).Select(async _ =>
        {
            var response = await client.GetAsync(url);
            await Expect.Status(response, HttpStatusCode.OK);
            var body = await response.Json();
            Assert.Equal($"\"{body.GetProperty("version").GetInt64()}\"", response.Headers.ETag!.Tag);
            return body.GetProperty("version").GetInt64();
        }));

        var before = await ReadAllAsync(world.Reviewer.Client);
        Assert.All(before, v => Assert.Equal(claim.GetProperty("version").GetInt64(), v));
        var assigned = await world.Coordinator.PostWithIfMatch($"/api/v1/claims/{id}/assignments", new { userId = assignee.Id }, etag);
        await Expect.Status(assigned, HttpStatusCode.OK);
        etag = assigned.Headers.ETag!.Tag;
        var version = (await assigned.Json()).GetProperty("version").GetInt64();
        Assert.All(await ReadAllAsync(world.Reviewer.Client), v => Assert.Equal(version, v));
        // The assignment is seen at once by the assignee's visibility rule, and the submitter's still holds.
        Assert.All(await ReadAllAsync(assignee.Client), v => Assert.Equal(version, v));
        Assert.All(await ReadAllAsync(world.Investigator.Client), v => Assert.Equal(version, v));
        var triaged = await world.Reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag);
        await Expect.Status(triaged, HttpStatusCode.OK);
        var last = (await triaged.Json()).GetProperty("version").GetInt64();
        Assert.All(await ReadAllAsync(world.Reviewer.Client), v => Assert.Equal(last, v));
        Assert.All(await ReadAllAsync(assignee.Client), v => Assert.Equal(last, v));
        // Someone neither submitter nor assignee: 404, never the document.
        await Expect.Problem(await stranger.Client.GetAsync(url), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task On_PostgreSQL_prepared_reads_run_on_their_own_bounded_pool_left_idle_between_reads()
    {
        // Their connections skip Npgsql's reset when they go back to the pool (PreparedQuery.ReadConnectionString): safe only
        // because nothing on them outlives a statement. After a burst of every prepared read over HTTP (staff read and list,
        // partner key, pages and one-claim read), each of those sessions must be idle: no transaction left open, and no
        // more of them than EF Core's own bound.
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.PostgreSql);
        var partner = await world.NewPartnerAsync("Restricted");
        var id = await world.DecidedAsync();
        var urls = new (HttpClient Client, string Url)[]
        {
            (world.Reviewer.Client, $"/api/v1/claims/{id}"), (world.Reviewer.Client, "/api/v1/claims?limit=5"),
            (partner.Client, "/api/v1/partner/claims?limit=5"), (partner.Client, $"/api/v1/partner/claims/{id}"),
        };
        await Task.WhenAll(Enumerable.Range(0, 48).Select(async i =>
            await Expect.Status(await urls[i % urls.Length].Client.GetAsync(urls[i % urls.Length].Url), HttpStatusCode.OK)));

        await using var admin = new Npgsql.NpgsqlConnection(world.Api.Factory.ConnectionString);
        await admin.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT state, xact_start IS NOT NULL FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name", admin);
        command.Parameters.AddWithValue("name", PreparedQuery.PostgresApplicationName);
        var sessions = new List<(string? State, bool InTransaction)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                sessions.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetBoolean(1)));
        }
        var bound = new Npgsql.NpgsqlConnectionStringBuilder(DatabaseSetup.ConnectionString(DatabaseProvider.PostgreSql, world.Api.Factory.ConnectionString)).MaxPoolSize;
        Assert.InRange(sessions.Count, 1, Math.Min(bound, PreparedQuery.MaxPostgresConnections));
        Assert.All(sessions, s => Assert.Equal(("idle", false), s));

        // The key is still read afresh on each request from that pool: revoked, the very next partner request is refused.
        await Expect.Status(await world.Coordinator.DeleteAsync($"/api/v1/partners/{partner.Id}/keys"), HttpStatusCode.NoContent);
        await Expect.Problem(await partner.Client.GetAsync("/api/v1/partner/claims?limit=5"), HttpStatusCode.Unauthorized);
    }

    private static void AssertSame(GetClaimDocument.Row? expected, GetClaimDocument.Row? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is null)
            return;
        Assert.Equal(expected.Version, actual!.Version);
        Assert.Equal(expected.DocumentVersion, actual.DocumentVersion);
        Assert.Equal(expected.Staff, actual.Staff);
    }
    [Fact]
    public void A_time_stored_by_EF_Core_on_SQLite_is_read_as_the_general_parser_reads_it_and_other_text_is_left_to_it()
    {
        var random = new Random(9);
        var times = new List<DateTime> { new(2026, 12, 6, 23, 0, 0), new(2024, 2, 29, 0, 0, 0, 1), DateTime.MinValue, DateTime.MaxValue };
        for (var i = 0; i < 2_000; i++)
            times.Add(new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks)));
        foreach (var time in times)
        {
            // Each fraction length EF Core writes, trailing zeros trimmed (FFFFFFF), from none to seven digits.
            foreach (var format in new[] { "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss.fff", "yyyy-MM-dd HH:mm:ss.f", "yyyy-MM-dd HH:mm:ss" })
            {
                var text = time.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(PreparedColumns.TryParseStoredTime(text, out var parsed), text);
                var expected = DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(expected.Ticks, parsed.Ticks);
                Assert.Equal(expected.Kind, parsed.Kind);
            }
        }
        foreach (var text in new[] { "2026-12-06T23:00:00", "2026-12-06 23:00:00.", "2026-12-06 23:00:00.12345678", "2026-13-06 23:00:00",
                     "2026-02-30 23:00:00", "2026-12-06 24:00:00", "2026-12-06 23:00:00Z", "2026-12-06 23:00", "2026-1a-06 23:00:00", "" })
            Assert.False(PreparedColumns.TryParseStoredTime(text, out _), text);
    }
}
