using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Imports;
using Verification.Api.Features.Imports.Formats;
using Verification.Api.Features.ReadModel;
using Verification.Api.Infrastructure.Integrity;
using Verification.Api.Tests.Infrastructure;
using Verification.Domain.Imports;
using Verification.Persistence;

namespace Verification.Api.Tests.Imports;

/// <summary>
/// The bulk path (binary COPY on PostgreSQL, prepared multi-row INSERTs on SQLite) against the change tracker's path
/// (<c>Imports:BulkWriter=false</c>), each in a fresh database, for the real UCDP sample with broken and repeated rows
/// added: the same claim rows column by column, the same history, the same audit entries with the same record states,
/// the same errors by row.
/// </summary>
public sealed class ImportBulkEqualityTests
{
    /// <summary>Columns that name what differs between two databases by nature: generated ids, the clock, the importer, the import.</summary>
    private static readonly HashSet<string> Generated = new(StringComparer.Ordinal) { "Id", "SubmittedAt", "UpdatedAt", "SubmittedBy", "ImportId", "ClaimId", "At", "Actor" };

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_bulk_path_stores_exactly_what_the_tracked_path_stores_for_the_UCDP_sample(DatabaseProvider provider)
    {
        // Rows 5 to 8 break in four ways, rows 10 and 1,200 repeat the first row's event id (one in its batch, one later).
        var file = ImportRowErrorTests.UcdpRows(Importing.UcdpEvents, (row, set) =>
        {
            switch (row)
            {
                case 5: set("date_start", "2014-13-45"); break;
                case 6: set("country", "Atlantis"); break;
                case 7: set("best", "-3"); break;
                case 8: set("latitude", "north"); break;
                case 10 or 1200: set("id", "36210"); break;
            }
        });

        var tracked = await ImportAsync(provider, file, bulk: false);
        var bulk = await ImportAsync(provider, file, bulk: true);
        try
        {
            foreach (var name in new[] { "status", "totalRows", "processedRows", "createdClaims", "skippedRows", "failedRows" })
                Assert.Equal(tracked.Import.GetProperty(name).ToString(), bulk.Import.GetProperty(name).ToString());
            Assert.Equal(Importing.UcdpEvents - 6, bulk.Import.Int("createdClaims"));
            Assert.Equal(2, bulk.Import.Int("skippedRows"));
            Assert.Equal(4, bulk.Import.Int("failedRows"));
            Assert.Equal(tracked.Import.GetProperty("errors").ToString(), bulk.Import.GetProperty("errors").ToString());

            // Claims, column by column, as the database returns them (type and text: a GUID stored as a blob instead of
            // text, or a time in another format, differs here even where EF would read it back the same).
            var trackedClaims = await RowsAsync(tracked.Api, """SELECT * FROM "Claims" ORDER BY "Number" """);
            var bulkClaims = await RowsAsync(bulk.Api, """SELECT * FROM "Claims" ORDER BY "Number" """);
            Assert.Equal(Importing.UcdpEvents - 6, bulkClaims.Count);
            Assert.Equal(trackedClaims.Count, bulkClaims.Count);
            Assert.Equal(trackedClaims[0].Keys, bulkClaims[0].Keys);
            for (var i = 0; i < trackedClaims.Count; i++)
            {
                Assert.Equal(Comparable(trackedClaims[i]), Comparable(bulkClaims[i]));
                Assert.Equal(Text(bulk.ImporterId), bulkClaims[i]["SubmittedBy"].Text.ToUpperInvariant());
                Assert.Equal(Text(bulk.ImportId), bulkClaims[i]["ImportId"].Text.ToUpperInvariant());
                Assert.Equal(bulkClaims[i]["SubmittedAt"], bulkClaims[i]["UpdatedAt"]);
                Assert.Equal(trackedClaims[i]["SubmittedAt"].Type, bulkClaims[i]["SubmittedAt"].Type);
                Assert.Equal(trackedClaims[i]["Id"].Type, bulkClaims[i]["Id"].Type);
            }

            // Their history: one Submitted event each, by the importer.
            const string events = """SELECT c."Number", e.* FROM "ClaimEvents" e JOIN "Claims" c ON c."Id" = e."ClaimId" ORDER BY c."Number" """;
            var trackedEvents = await RowsAsync(tracked.Api, events);
            var bulkEvents = await RowsAsync(bulk.Api, events);
            Assert.Equal(bulkClaims.Count, bulkEvents.Count);
            Assert.Equal(trackedEvents.Select(Comparable), bulkEvents.Select(Comparable));
            Assert.All(bulkEvents, e => Assert.Equal(Text(bulk.ImporterId), e["Actor"].Text.ToUpperInvariant()));
            Assert.Equal(trackedEvents[0]["At"].Type, bulkEvents[0]["At"].Type);

            // The audit entries: one per created claim, in claim order, each with the claim's state as stored.
            var trackedAudit = await AuditOfImportAsync(tracked.Api);
            var bulkAudit = await AuditOfImportAsync(bulk.Api);
            Assert.Equal(bulkClaims.Count, bulkAudit.Count);
            Assert.Equal(trackedAudit.Select(a => (a.Action, a.TargetNumber, a.StateNumbers)), bulkAudit.Select(a => (a.Action, a.TargetNumber, a.StateNumbers)));
            Assert.All(trackedAudit.Concat(bulkAudit), a => Assert.True(a.StatesMatchStoredRows, $"entry {a.Sequence}: a record state differs from the stored claim"));
            Assert.All(bulkAudit, a => Assert.Equal(64, a.ChangeDigest.Length));
            // Each entry's change digest is the one of what its row asked ({importId, row, claim}), on both paths: the
            // bulk path's digests are computed on the read-ahead thread, the tracked path's in the audit behaviour.
            Assert.Equal(await ExpectedChangeDigestsAsync(tracked.Api, file, tracked.ImportId), trackedAudit.Select(a => a.ChangeDigest));
            Assert.Equal(await ExpectedChangeDigestsAsync(bulk.Api, file, bulk.ImportId), bulkAudit.Select(a => a.ChangeDigest));

            // The projections' rows (written by the bulk writer on the bulk path): the search text column by column, and
            // one stored document per claim, its columns of the same types, each what a fresh projection of the claim gives.
            const string search = """SELECT * FROM "ClaimSearch" ORDER BY "Number" """;
            var trackedSearch = await RowsAsync(tracked.Api, search);
            var bulkSearch = await RowsAsync(bulk.Api, search);
            Assert.Equal(bulkClaims.Count, bulkSearch.Count);
            Assert.Equal(trackedSearch.Select(Comparable), bulkSearch.Select(Comparable));
            Assert.Equal(trackedSearch.Select(r => r["ClaimId"].Type), bulkSearch.Select(r => r["ClaimId"].Type));
            Assert.Equal(bulkClaims.Select(c => c["Id"]), bulkSearch.Select(r => r["ClaimId"]));

            const string documents = """SELECT c."Number", d.* FROM "ClaimDocuments" d JOIN "Claims" c ON c."Id" = d."ClaimId" ORDER BY c."Number" """;
            var trackedDocuments = await RowsAsync(tracked.Api, documents);
            var bulkDocuments = await RowsAsync(bulk.Api, documents);
            Assert.Equal(bulkClaims.Count, bulkDocuments.Count);
            Assert.Equal(trackedDocuments.Count, bulkDocuments.Count);
            for (var i = 0; i < trackedDocuments.Count; i++)
            {
                Assert.Equal(trackedDocuments[i].Keys, bulkDocuments[i].Keys);
                Assert.Equal(trackedDocuments[i].Values.Select(v => v.Type), bulkDocuments[i].Values.Select(v => v.Type));
                foreach (var column in new[] { "Number", "Version", "PartnerPublic", "PartnerRestricted" })
                    Assert.Equal(trackedDocuments[i][column], bulkDocuments[i][column]);
            }
            foreach (var api in new[] { tracked.Api, bulk.Api })
                await AssertDocumentsCurrentAsync(api, bulkClaims.Count);

            // And the chain and every record state check out over HTTP.
            foreach (var api in new[] { tracked.Api, bulk.Api })
            {
                var verify = await (await api.CoordinatorAsync()).GetAsync("/api/v1/audit/verify?records=true");
                await Expect.Status(verify, HttpStatusCode.OK);
                var report = await verify.Json();
                Assert.True(report.GetProperty("valid").GetBoolean(), report.ToString());
                Assert.Equal(JsonValueKind.Null, report.GetProperty("records").GetProperty("firstMismatch").ValueKind);
            }
        }
        finally
        {
            await tracked.Api.DisposeAsync();
            await bulk.Api.DisposeAsync();
        }
    }

    private static async Task<(TestApi Api, JsonElement Import, Guid ImporterId, Guid ImportId)> ImportAsync(DatabaseProvider provider, byte[] file, bool bulk)
    {
        var api = await TestApi.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Imports:BulkWriter"] = bulk ? "true" : "false",
            ["Imports:BatchSize"] = "500",
        });
        var investigator = await api.NewPersonAsync("Investigator");
        var id = await Importing.AcceptedAsync(await investigator.Client.UploadAsync(file, "events.csv",
            new { format = "ucdp-ged-csv", datasetVersion = "23.1" }));
        var import = await investigator.Client.FinishedAsync(id, timeoutSeconds: 300);
        return (api, import, investigator.Id, id);
    }

    private sealed record Value(string Type, string Text);

    private static string Text(Guid id) => id.ToString("D").ToUpperInvariant();

    private static Dictionary<string, Value> Comparable(Dictionary<string, Value> row) =>
        row.Where(c => !Generated.Contains(c.Key)).ToDictionary(c => c.Key, c => c.Value);

    private static async Task<List<Dictionary<string, Value>>> RowsAsync(TestApi api, string sql)
    {
        await using var db = api.Factory.CreateDb();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, Value>>();
        while (await reader.ReadAsync())
            rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => ValueOf(reader, i)));
        return rows;
    }

    private static Value ValueOf(DbDataReader reader, int i)
    {
        if (reader.IsDBNull(i))
            return new Value("null", "");
        var value = reader.GetValue(i);
        return new Value(value.GetType().Name, value switch
        {
            byte[] bytes => Convert.ToHexString(bytes),
            DateTime t => t.ToString("O", CultureInfo.InvariantCulture) + t.Kind,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        });
    }

    /// <summary>Every stored document holds, byte for byte, what a fresh projection of its claim as stored gives.</summary>
    private static async Task AssertDocumentsCurrentAsync(TestApi api, int claims)
    {
        await using var scope = api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        var builder = scope.ServiceProvider.GetRequiredService<ClaimDocumentBuilder>();
        var stored = await db.ClaimDocuments.AsNoTracking().ToListAsync();
        Assert.Equal(claims, stored.Count);
        var fresh = await builder.BuildAsync(db, [.. stored.Select(d => d.ClaimId)], CancellationToken.None);
        Assert.All(stored, d => Assert.True(ClaimDocumentBuilder.Matches(d, fresh[d.ClaimId]), $"the stored documents of {d.ClaimId} differ from a fresh projection"));
    }

    private static readonly JsonSerializerOptions DigestJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// The change digest each of the import's entries should hold, in the entries' order (claim order), worked out here
    /// from the file: the SHA-256 of <c>{importId, row, claim}</c> as web JSON, for the row that created the claim (the
    /// first row with its external id).
    /// </summary>
    private static async Task<List<string>> ExpectedChangeDigestsAsync(TestApi api, byte[] file, Guid importId)
    {
        var rows = new Dictionary<string, ImportRow>(StringComparer.Ordinal);
        await foreach (var row in ImportFormats.ReaderFor(ImportFormat.UcdpGedCsv).ReadAsync(new MemoryStream(file), new ImportReadContext("23.1"), CancellationToken.None))
        {
            if (row.Claim?.ExternalId is { } externalId)
                rows.TryAdd(externalId.Trim(), row);
        }
        await using var db = api.Factory.CreateDb();
        var externalIds = await db.Claims.AsNoTracking().ToDictionaryAsync(c => c.Id.ToString(), c => c.ExternalId!);
        var targets = await db.AuditEntries.AsNoTracking().Where(a => a.Action == "ImportClaims").OrderBy(a => a.Sequence).Select(a => a.TargetId!).ToListAsync();
        return [.. targets.Select(t =>
        {
            var row = rows[externalIds[t]];
            var json = JsonSerializer.Serialize(new { importId, row = row.Row, claim = row.Claim }, DigestJson);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        })];
    }

    private sealed record AuditOfClaim(long Sequence, string Action, long? TargetNumber, string StateNumbers, string ChangeDigest, bool StatesMatchStoredRows);

    /// <summary>The import's audit entries, their targets and states named by claim number (the same in both databases).</summary>
    private static async Task<List<AuditOfClaim>> AuditOfImportAsync(TestApi api)
    {
        await using var db = api.Factory.CreateDb();
        var numbers = await db.Claims.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Number);
        var stored = new Dictionary<Guid, string>();
        await foreach (var claim in RecordStates.AllClaimsAsync(db, CancellationToken.None))
            stored[claim.Id] = RecordStates.DigestOf(claim);
        var entries = await db.AuditEntries.AsNoTracking().Where(a => a.Action == "ImportClaims").OrderBy(a => a.Sequence).ToListAsync();
        var first = entries[0].Sequence;
        var states = (await db.AuditRecordStates.AsNoTracking().Where(s => s.Sequence >= first).ToListAsync())
            .ToLookup(s => s.Sequence);
        return [.. entries.Select(e =>
        {
            var own = states[e.Sequence].OrderBy(s => numbers[s.RecordId]).ToList();
            return new AuditOfClaim(e.Sequence, e.Action, Guid.TryParse(e.TargetId, out var target) ? numbers[target] : null,
                string.Join(",", own.Select(s => $"{s.RecordType}:{numbers[s.RecordId]}")), e.ChangeDigest,
                own.Count > 0 && own.All(s => stored[s.RecordId] == s.Digest));
        })];
    }
}
