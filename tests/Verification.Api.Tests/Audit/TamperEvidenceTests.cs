using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Infrastructure.Storage;
using Verification.Api.Tests.Imports;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.Audit;

/// <summary>
/// The attacks of issue 14, made as a hostile insider with write access to the database and the evidence folder
/// (but not the keys folder) would make them: through SQL and file writes, on SQLite and PostgreSQL. Each is found by
/// <c>GET /audit/verify</c> and named: the first signed head that no longer matches, or the record that changed.
/// </summary>
public sealed class TamperEvidenceTests
{
    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Deleting_the_newest_entries_is_named_by_the_head_that_covered_them_and_their_numbers_are_not_reused(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        await world.FullyEvidencedAsync();
        var head = await SignAsync(world);
        var size = head.GetProperty("treeSize").GetInt64();
        Assert.True((await VerifyAsync(world)).GetProperty("valid").GetBoolean());

        await using (var db = world.Api.Factory.CreateDb())
        {
            // The confirmation and what came before it in the last two commands disappear, with the states they covered.
            Assert.Equal(2, await db.Database.ExecuteSqlRawAsync($"DELETE FROM {Q("AuditEntries")} WHERE {Q("Sequence")} > {{0}}", size - 2));
            await db.Database.ExecuteSqlRawAsync($"DELETE FROM {Q("AuditRecordStates")} WHERE {Q("Sequence")} > {{0}}", size - 2);
        }
        var verify = await VerifyAsync(world);
        Assert.False(verify.GetProperty("valid").GetBoolean());
        Assert.Equal(size - 2, verify.GetProperty("checked").GetInt64());
        Assert.Equal(size, FirstInconsistent(verify));

        // The next write does not slip into the numbers the head covered: it continues after them, and the gap is named.
        await world.Investigator.Client.SubmitClaimAsync();
        await using (var db = world.Api.Factory.CreateDb())
            Assert.Equal(size + 1, await db.AuditEntries.MaxAsync(a => a.Sequence));
        var after = await VerifyAsync(world);
        Assert.False(after.GetProperty("valid").GetBoolean());
        Assert.Equal(size + 1, after.GetProperty("firstInvalidSequence").GetInt64());
        Assert.Equal(size, FirstInconsistent(after));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Changing_one_entry_and_recomputing_every_later_hash_is_named_by_the_first_head_after_it(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        await world.Investigator.Client.SubmitClaimAsync();
        var first = (await SignAsync(world)).GetProperty("treeSize").GetInt64();
        await world.FullyEvidencedAsync();
        var second = (await SignAsync(world)).GetProperty("treeSize").GetInt64();
        Assert.True(second > first + 2);

        // Who confirmed something after the first head is rewritten, and the chain re-hashed from there with the
        // documented encoding: the chain is valid by itself again.
        await using (var db = world.Api.Factory.CreateDb())
        {
            var entries = await db.AuditEntries.AsNoTracking().OrderBy(a => a.Sequence).ToListAsync();
            var previous = entries[(int)first].PreviousHash;
            for (var i = (int)first; i < entries.Count; i++)
            {
                var e = entries[i];
                var actor = i == first ? "user:" + Guid.NewGuid() : e.Actor;
                var hash = ChainHash(e.Sequence, e.Id, e.At, actor, e.Action, e.TargetId, e.ChangeDigest, previous, e.RecordsDigest);
                Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(
                    $"UPDATE {Q("AuditEntries")} SET {Q("Actor")} = {{0}}, {Q("PreviousHash")} = {{1}}, {Q("Hash")} = {{2}} WHERE {Q("Sequence")} = {{3}}",
                    actor, previous, hash, e.Sequence));
                previous = hash;
            }
        }
        var verify = await VerifyAsync(world);
        Assert.Null(verify.GetProperty("firstInvalidEntryId").GetString() is { } id ? id : null);
        Assert.Equal(second, verify.GetProperty("checked").GetInt64());
        Assert.False(verify.GetProperty("valid").GetBoolean());
        Assert.Equal(second, FirstInconsistent(verify));
        Assert.Equal(2, verify.GetProperty("heads").GetProperty("checked").GetInt64());
    }

    public static TheoryData<DatabaseProvider, string> RecordEdits => new()
    {
        { DatabaseProvider.Sqlite, "verdict" }, { DatabaseProvider.Sqlite, "harm" }, { DatabaseProvider.Sqlite, "grade" },
        { DatabaseProvider.PostgreSql, "verdict" }, { DatabaseProvider.PostgreSql, "harm" }, { DatabaseProvider.PostgreSql, "grade" },
    };

    [Theory]
    [MemberData(nameof(RecordEdits))]
    public async Task A_verdict_a_harm_figure_or_a_grade_changed_in_its_table_is_named_by_the_records_check(DatabaseProvider provider, string edit)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var claim = await world.FullyEvidencedAsync();
        var before = await VerifyAsync(world, records: true);
        Assert.True(before.GetProperty("valid").GetBoolean(), before.ToString());
        Assert.True(before.GetProperty("records").GetProperty("checked").GetInt64() >= 6);

        Guid named;
        string type;
        await using (var db = world.Api.Factory.CreateDb())
        {
            switch (edit)
            {
                case "verdict":
                    // Fair becomes Confirmed: partners would be served a verdict no reviewer gave.
                    Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(
                        $"UPDATE {Q("VerdictProposals")} SET {Q("Rating")} = 'Confirmed' WHERE {Q("Rating")} = 'Fair'"));
                    (type, named) = ("Claim", claim.Id);
                    break;
                case "harm":
                    Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(
                        $"UPDATE {Q("Claims")} SET {Q("KilledMax")} = 40 WHERE {Q("Stage")} = 'Decided'"));
                    (type, named) = ("Claim", claim.Id);
                    break;
                default:
                    Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(
                        $"UPDATE {Q("Evidence")} SET {Q("SourceReliability")} = 'A', {Q("InformationCredibility")} = 1 WHERE {Q("Kind")} = 'Document'"));
                    (type, named) = ("Evidence", claim.AcceptedEvidence[2]);
                    break;
            }
        }

        var verify = await VerifyAsync(world, records: true);
        Assert.False(verify.GetProperty("valid").GetBoolean());
        Assert.Null(verify.GetProperty("firstInvalidEntryId").GetString() is { } id ? id : null);
        var mismatch = verify.GetProperty("records").GetProperty("firstMismatch");
        Assert.Equal(type, mismatch.GetProperty("type").GetString());
        Assert.Equal(named, mismatch.GetProperty("id").GetGuid());
        // Without records=true the chain alone is checked, and it was not touched.
        var chainOnly = await VerifyAsync(world);
        Assert.True(chainOnly.GetProperty("valid").GetBoolean());
        Assert.Equal(JsonValueKind.Null, chainOnly.GetProperty("records").ValueKind);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_stored_file_replaced_with_its_sha256_column_and_custody_row_is_named_by_the_records_check(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var claim = await world.FullyEvidencedAsync();
        var document = claim.AcceptedEvidence[2];
        string oldSha;
        await using (var db = world.Api.Factory.CreateDb())
            oldSha = await db.Evidence.Where(e => e.Id == document).Select(e => e.Sha256).SingleAsync();

        // New bytes, placed where the store would put them, and every row that names the hash rewritten to match:
        // the fixity check has nothing to find.
        var forged = Encoding.UTF8.GetBytes("An agency report that says something else entirely.");
        var newSha = Convert.ToHexStringLower(SHA256.HashData(forged));
        var store = world.Api.Factory.Services.GetRequiredService<EvidenceStore>();
        Directory.CreateDirectory(Path.GetDirectoryName(store.PathFor(newSha))!);
        await File.WriteAllBytesAsync(store.PathFor(newSha), forged);
        File.Delete(store.PathFor(oldSha));
        await using (var db = world.Api.Factory.CreateDb())
        {
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(
                $"UPDATE {Q("Evidence")} SET {Q("Sha256")} = {{0}}, {Q("SizeBytes")} = {{1}} WHERE {Q("Sha256")} = {{2}}", newSha, forged.LongLength, oldSha));
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(
                $"UPDATE {Q("CustodyEvents")} SET {Q("Details")} = {{0}} WHERE {Q("Details")} = {{1}}", $"sha256 {newSha}", $"sha256 {oldSha}"));
        }
        var content = await world.Coordinator.GetAsync($"/api/v1/evidence/{document}/content");
        await Expect.Status(content, HttpStatusCode.OK);
        Assert.Equal(forged, await content.Content.ReadAsByteArrayAsync());

        var verify = await VerifyAsync(world, records: true);
        Assert.False(verify.GetProperty("valid").GetBoolean());
        var mismatch = verify.GetProperty("records").GetProperty("firstMismatch");
        Assert.Equal("Evidence", mismatch.GetProperty("type").GetString());
        Assert.Equal(document, mismatch.GetProperty("id").GetGuid());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_head_removed_from_the_table_still_counts_from_the_heads_file(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        await world.FullyEvidencedAsync();
        var size = (await SignAsync(world)).GetProperty("treeSize").GetInt64();
        await using (var db = world.Api.Factory.CreateDb())
        {
            // The witness is removed first, then the newest entry: nothing in the database remembers it any more.
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync($"DELETE FROM {Q("SignedTreeHeads")}"));
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync($"DELETE FROM {Q("AuditEntries")} WHERE {Q("Sequence")} = {{0}}", size));
            await db.Database.ExecuteSqlRawAsync($"DELETE FROM {Q("AuditRecordStates")} WHERE {Q("Sequence")} = {{0}}", size);
        }
        var published = await world.Api.Anonymous.GetAsync("/api/v1/audit/head");
        await Expect.Problem(published, HttpStatusCode.NotFound);

        var verify = await VerifyAsync(world);
        Assert.False(verify.GetProperty("valid").GetBoolean());
        Assert.Equal(1, verify.GetProperty("heads").GetProperty("checked").GetInt64());
        Assert.Equal(size, FirstInconsistent(verify));
        // A new head is not signed over history that no longer matches what was witnessed.
        await Expect.Problem(await world.Coordinator.PostAsync("/api/v1/audit/heads", null), HttpStatusCode.Conflict);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_head_written_into_the_table_without_the_key_is_itself_a_finding(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        await world.Investigator.Client.SubmitClaimAsync();
        var real = await SignAsync(world);
        await using (var db = world.Api.Factory.CreateDb())
        {
            // A head for a rewritten chain, signed with a key of the attacker's own under the instance's key id.
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var size = real.GetProperty("treeSize").GetInt64() + 5;
            var root = new string('7', 64);
            const string timestamp = "2026-01-01T00:00:00.000Z";
            var signature = key.SignData(Encoding.UTF8.GetBytes($"verification-tree-head/v1\n{size}\n{root}\n{timestamp}"),
                HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            db.SignedTreeHeads.Add(new TreeHeadRecord(size, root, timestamp, real.GetProperty("keyId").GetString()!, Convert.ToBase64String(signature), null));
            await db.SaveChangesAsync();
        }
        var verify = await VerifyAsync(world);
        Assert.False(verify.GetProperty("valid").GetBoolean());
        Assert.Equal(real.GetProperty("treeSize").GetInt64() + 5, FirstInconsistent(verify));
        Assert.Null(verify.GetProperty("firstInvalidEntryId").GetString() is { } id ? id : null);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Claims_created_by_an_import_batch_are_covered_and_one_edited_afterwards_is_named(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var import = await world.Investigator.Client.FinishedAsync(await world.Investigator.Client.StartImportAsync(Importing.UcdpCsv,
            new { format = "ucdp-ged-csv", dryRun = false, datasetVersion = "23.1" }));
        Assert.Equal("Succeeded", import.Str("status"));
        var created = import.Int("createdClaims");
        var before = await VerifyAsync(world, records: true);
        Assert.True(before.GetProperty("valid").GetBoolean(), before.ToString());
        Assert.Equal(created, before.GetProperty("records").GetProperty("checked").GetInt64());
        Assert.Equal(0, before.GetProperty("records").GetProperty("uncovered").GetInt64());

        var claims = await world.Investigator.Client.ClaimsOfAsync(import.GetProperty("id").GetGuid());
        var target = claims[claims.Count / 2];
        await using (var db = world.Api.Factory.CreateDb())
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(
                $"UPDATE {Q("Claims")} SET {Q("Title")} = 'Nothing happened here' WHERE {Q("ExternalId")} = {{0}}", target.Str("externalId")!));
        var mismatch = (await VerifyAsync(world, records: true)).GetProperty("records").GetProperty("firstMismatch");
        Assert.Equal("Claim", mismatch.GetProperty("type").GetString());
        Assert.Equal(target.GetProperty("id").GetGuid(), mismatch.GetProperty("id").GetGuid());
    }

    internal static async Task<JsonElement> SignAsync(PartnerWorld world)
    {
        var signed = await world.Coordinator.PostAsync("/api/v1/audit/heads", null);
        await Expect.Status(signed, HttpStatusCode.Created);
        return await signed.Json();
    }

    internal static async Task<JsonElement> VerifyAsync(PartnerWorld world, bool records = false)
    {
        var response = await world.Coordinator.GetAsync($"/api/v1/audit/verify{(records ? "?records=true" : "")}");
        await Expect.Status(response, HttpStatusCode.OK);
        return await response.Json();
    }

    private static long? FirstInconsistent(JsonElement verify) =>
        verify.GetProperty("heads").GetProperty("firstInconsistentTreeSize") is { ValueKind: JsonValueKind.Number } n ? n.GetInt64() : null;

    private static string Q(string name) => $"\"{name}\"";

    /// <summary>
    /// The chain hash as docs/integrity.md documents it, written here from the document: each field as its UTF-8 byte
    /// length, a colon and the bytes; the records digest is a ninth field when the entry has one.
    /// </summary>
    internal static string ChainHash(long sequence, Guid id, DateTime at, string actor, string action, string? target, string changeDigest,
        string previousHash, string? recordsDigest)
    {
        var fields = new List<string>
        {
            sequence.ToString(CultureInfo.InvariantCulture), id.ToString("D"),
            at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), actor, action, target ?? "", changeDigest, previousHash,
        };
        if (recordsDigest is not null)
            fields.Add(recordsDigest);
        var bytes = new List<byte>();
        foreach (var field in fields)
        {
            var value = Encoding.UTF8.GetBytes(field);
            bytes.AddRange(Encoding.ASCII.GetBytes($"{value.Length}:"));
            bytes.AddRange(value);
        }
        return Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray()));
    }
}
