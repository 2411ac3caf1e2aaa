using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Audit;

/// <summary>
/// The audit trail as a coordinator reads it, and the hash chain under attack: an entry changed, removed or moved
/// directly in the database is found and named, on SQLite and PostgreSQL; concurrent writers never fork it.
/// </summary>
public sealed class AuditTests(SqliteApiFixture fixture) : IClassFixture<SqliteApiFixture>
{
    private TestApi Api => fixture.Api;

    [Fact]
    public async Task The_trail_lists_every_entry_oldest_first_numbered_from_one_and_pages_without_gaps()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        await investigator.Client.SubmitClaimAsync();
        await investigator.Client.SubmitClaimAsync();
        var coordinator = await Api.CoordinatorAsync();

        var all = await ListAsync(coordinator, "limit=200");
        Assert.True(all.Count >= 3, $"only {all.Count} entries after creating a user and two claims");
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.GetProperty("sequence").GetInt64()));
        var times = all.Select(e => e.GetProperty("at").GetDateTime()).ToList();
        Assert.Equal(times.Order(), times);
        for (var i = 1; i < all.Count; i++)
            Assert.Equal(all[i - 1].GetProperty("hash").GetString(), all[i].GetProperty("previousHash").GetString());

        var paged = await ListAsync(coordinator, "limit=2");
        Assert.Equal(all.Select(e => e.GetProperty("id").GetGuid()), paged.Select(e => e.GetProperty("id").GetGuid()));
        await Expect.ValidationProblem(await coordinator.GetAsync("/api/v1/audit?limit=0"), "limit");
        await Expect.ValidationProblem(await coordinator.GetAsync("/api/v1/audit?cursor=%21%21"), "cursor");
    }

    [Fact]
    public async Task EntityId_lists_the_entries_of_one_claim_and_names_each_use_case()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var reviewer = await Api.NewPersonAsync("Reviewer");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        await investigator.Client.SubmitClaimAsync(); // another claim, not to be listed
        await Expect.Status(await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag), HttpStatusCode.OK);
        var coordinator = await Api.CoordinatorAsync();

        var entries = await ListAsync(coordinator, $"entityId={id}");
        Assert.Equal(["SubmitClaim", "TriageClaim"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.All(entries, e => Assert.Equal(id.ToString(), e.GetProperty("targetId").GetString()));
        Assert.Equal([$"user:{investigator.Id}", $"user:{reviewer.Id}"], entries.Select(e => e.GetProperty("actor").GetString()));
        Assert.Equal(["TriageClaim"], (await ListAsync(coordinator, $"entityId={id}&actor={reviewer.Id}")).Select(e => e.GetProperty("action").GetString()));
        Assert.Empty(await ListAsync(coordinator, $"entityId={Guid.NewGuid()}"));
    }

    [Theory]
    [InlineData("Investigator")]
    [InlineData("Reviewer")]
    public async Task Only_coordinators_read_the_trail_and_sign_heads(string role)
    {
        var person = await Api.NewPersonAsync(role);
        foreach (var route in new[] { "/api/v1/audit", "/api/v1/audit/verify" })
        {
            await Expect.Problem(await person.Client.GetAsync(route), HttpStatusCode.Forbidden);
            await Expect.Problem(await Api.Anonymous.GetAsync(route), HttpStatusCode.Unauthorized);
        }
        await Expect.Problem(await person.Client.PostAsync("/api/v1/audit/heads", null), HttpStatusCode.Forbidden);
        await Expect.Problem(await Api.Anonymous.PostAsync("/api/v1/audit/heads", null), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_signed_head_covers_every_entry_so_far_and_is_published_to_anyone()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        await investigator.Client.SubmitClaimAsync();
        var coordinator = await Api.CoordinatorAsync();
        var signed = await coordinator.PostAsync("/api/v1/audit/heads", null);
        await Expect.Status(signed, HttpStatusCode.Created);
        var head = await signed.Json();
        var entries = await ListAsync(coordinator, "limit=200");
        Assert.Equal(entries.Count, head.GetProperty("treeSize").GetInt64());
        Assert.Matches("^[0-9a-f]{64}$", head.GetProperty("rootHash").GetString());

        var published = await (await Api.Anonymous.GetAsync("/api/v1/audit/head")).Json();
        Assert.Equal(head.GetProperty("signature").GetString(), published.GetProperty("signature").GetString());
        await investigator.Client.SubmitClaimAsync();
        var next = await (await coordinator.PostAsync("/api/v1/audit/heads", null)).Json();
        Assert.Equal(head.GetProperty("treeSize").GetInt64() + 1, next.GetProperty("treeSize").GetInt64());
        Assert.NotEqual(head.GetProperty("rootHash").GetString(), next.GetProperty("rootHash").GetString());
    }

    public static TheoryData<DatabaseProvider, string> Tampering => new()
    {
        { DatabaseProvider.Sqlite, "change" },
        { DatabaseProvider.Sqlite, "remove" },
        { DatabaseProvider.Sqlite, "reorder" },
        { DatabaseProvider.PostgreSql, "change" },
        { DatabaseProvider.PostgreSql, "remove" },
        { DatabaseProvider.PostgreSql, "reorder" },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Tampering_with_the_chain_in_the_database_is_found_and_named(DatabaseProvider provider, string tampering)
    {
        await using var api = await TestApi.StartAsync(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        for (var i = 0; i < 4; i++)
            await investigator.Client.SubmitClaimAsync();
        var coordinator = await api.CoordinatorAsync();
        var entries = await ListAsync(coordinator, "limit=200");
        Assert.True(entries.Count >= 5);
        var before = await (await coordinator.GetAsync("/api/v1/audit/verify")).Json();
        Assert.True(before.GetProperty("valid").GetBoolean());
        Assert.Equal(entries.Count, before.GetProperty("checked").GetInt64());

        Guid IdAt(long sequence) => entries.Single(e => e.GetProperty("sequence").GetInt64() == sequence).GetProperty("id").GetGuid();
        const long target = 3;
        var table = Quote(provider, "AuditEntries");
        var sequence = Quote(provider, "Sequence");
        var action = Quote(provider, "Action");
        await using (var db = api.Factory.CreateDb())
        {
            switch (tampering)
            {
                case "change":
                    Assert.Equal(1, await db.Database.ExecuteSqlRawAsync($"UPDATE {table} SET {action} = 'WithdrawClaim' WHERE {sequence} = {{0}}", target));
                    break;
                case "remove":
                    Assert.Equal(1, await db.Database.ExecuteSqlRawAsync($"DELETE FROM {table} WHERE {sequence} = {{0}}", target));
                    break;
                case "reorder":
                    // Entries 3 and 4 trade places, by way of a sequence no entry has.
                    await db.Database.ExecuteSqlRawAsync($"UPDATE {table} SET {sequence} = -1 WHERE {sequence} = {{0}}", target);
                    await db.Database.ExecuteSqlRawAsync($"UPDATE {table} SET {sequence} = {{0}} WHERE {sequence} = {{1}}", target, target + 1);
                    await db.Database.ExecuteSqlRawAsync($"UPDATE {table} SET {sequence} = {{0}} WHERE {sequence} = -1", target + 1);
                    break;
            }
        }

        var verify = await (await coordinator.GetAsync("/api/v1/audit/verify")).Json();
        Assert.False(verify.GetProperty("valid").GetBoolean());
        var (named, at) = tampering switch
        {
            "change" => (IdAt(target), target),           // the changed entry itself
            "remove" => (IdAt(target + 1), target + 1),   // the entry after the gap
            _ => (IdAt(target + 1), target),              // the first moved entry, now in third place
        };
        Assert.Equal(named, verify.GetProperty("firstInvalidEntryId").GetGuid());
        Assert.Equal(at, verify.GetProperty("firstInvalidSequence").GetInt64());
        Assert.Equal(target - 1, verify.GetProperty("checked").GetInt64());
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Eight_investigators_submitting_at_once_leave_one_valid_chain(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var investigators = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => api.NewPersonAsync("Investigator")));
        using var start = new SemaphoreSlim(0);
        var writers = investigators.Select(async investigator =>
        {
            await start.WaitAsync();
            for (var i = 0; i < 10; i++)
                await investigator.Client.SubmitClaimAsync();
        }).ToList();
        start.Release(writers.Count);
        await Task.WhenAll(writers);

        var coordinator = await api.CoordinatorAsync();
        var verify = await (await coordinator.GetAsync("/api/v1/audit/verify")).Json();
        await using var db = api.Factory.CreateDb();
        var total = await db.AuditEntries.CountAsync();
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
        Assert.Equal(total, verify.GetProperty("checked").GetInt64());
        Assert.Equal(80, await db.AuditEntries.CountAsync(e => e.Action == "SubmitClaim"));
        Assert.Equal(8 + 80, total); // eight users created, eighty claims
    }

    private static string Quote(DatabaseProvider provider, string name) =>
        provider == DatabaseProvider.SqlServer ? $"[{name}]" : $"\"{name}\"";

    private static async Task<List<JsonElement>> ListAsync(HttpClient coordinator, string query)
    {
        var entries = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var response = await coordinator.GetAsync($"/api/v1/audit?{query}" + (cursor is null ? "" : $"&cursor={cursor}"));
            await Expect.Status(response, HttpStatusCode.OK);
            var page = await response.Json();
            entries.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        return entries;
    }
}
