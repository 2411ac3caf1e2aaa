using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.ReadModel;
using Verification.Api.Infrastructure.Integrity;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Imports;

/// <summary>
/// The bulk path computes an imported claim's audit state, stored documents and search text from the claim as written
/// instead of reading its row back, where the row provably holds the same values (StoredAsWritten); a value a database
/// stores otherwise than it was given sends that claim through the read-back. Either way, what is stored must be what a
/// fresh projection of the row gives, byte for byte, and every audited state must match the row.
/// </summary>
public sealed class ImportStoredAsWrittenTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Documents_search_rows_and_audit_states_of_bulk_imported_claims_equal_a_fresh_projection_of_their_rows(DatabaseProvider provider)
    {
        // Row 3 has a negative zero longitude: SQLite stores a whole REAL as an integer and reads it back as 0, so a
        // document built from the object in memory ("-0") would differ from the row ("0"). Row 5 has one on both axes.
        var file = ImportRowErrorTests.UcdpRows(40, (row, set) =>
        {
            if (row == 3)
                set("longitude", "-0.0");
            if (row == 5)
            {
                set("latitude", "-0");
                set("longitude", "-0");
            }
        });
        await using var api = await TestApi.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Imports:BulkWriter"] = "true",
            ["Imports:BatchSize"] = "16",
        });
        var investigator = await api.NewPersonAsync("Investigator");
        var id = await Importing.AcceptedAsync(await investigator.Client.UploadAsync(file, "events.csv",
            new { format = "ucdp-ged-csv", datasetVersion = "23.1" }));
        var import = await investigator.Client.FinishedAsync(id, timeoutSeconds: 180);
        Assert.Equal("Succeeded", import.Str("status"));
        Assert.Equal(40, import.Int("createdClaims"));

        Guid zeroId;
        string zeroText;
        await using (var scope = api.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
            var builder = scope.ServiceProvider.GetRequiredService<ClaimDocumentBuilder>();
            var stored = await db.ClaimDocuments.AsNoTracking().ToListAsync();
            Assert.Equal(40, stored.Count);
            var fresh = await builder.BuildAsync(db, [.. stored.Select(d => d.ClaimId)], CancellationToken.None);
            Assert.All(stored, d => Assert.True(ClaimDocumentBuilder.Matches(d, fresh[d.ClaimId]),
                $"the stored documents of {d.ClaimId} differ from a fresh projection of its row"));

            // The claims with a negative zero: their rows, their documents and their search rows agree.
            var claims = await db.Claims.AsNoTracking().Where(c => c.ImportId == id).OrderBy(c => c.Number).ToListAsync();
            var zero = claims[2];
            Assert.Equal(0d, zero.Location.Longitude);
            zeroId = zero.Id;
            zeroText = double.IsNegative(zero.Location.Longitude!.Value) ? "-0" : "0";
            using (var staff = JsonDocument.Parse(stored.Single(d => d.ClaimId == zero.Id).Staff))
            {
                var longitude = staff.RootElement.GetProperty("incident").GetProperty("location").GetProperty("longitude");
                Assert.Equal(zeroText, longitude.GetRawText());
            }

            // Every audited state is the state of the row as stored.
            var states = await db.AuditRecordStates.AsNoTracking().Where(s => s.RecordType == "Claim").ToListAsync();
            var byId = claims.ToDictionary(c => c.Id);
            Assert.Equal(40, states.Count(s => byId.ContainsKey(s.RecordId)));
            Assert.All(states.Where(s => byId.ContainsKey(s.RecordId)), s => Assert.Equal(RecordStates.DigestOf(byId[s.RecordId]), s.Digest));

            // On PostgreSQL the batches compress their long values with lz4 (FastCompression), read back like any other.
            if (provider == DatabaseProvider.PostgreSql)
            {
                Assert.Equal(0L, await CompressedAsync(db, "pglz"));
                Assert.True(await CompressedAsync(db, "lz4") > 0, "no imported value was compressed with lz4");
            }

            // The search rows hold each claim's number as stored (the FTS5 rowid and the full-text key).
            var search = await db.Set<Verification.Persistence.Search.ClaimSearchDocument>().AsNoTracking().ToDictionaryAsync(s => s.ClaimId);
            Assert.All(claims, c => Assert.Equal(c.Number, search[c.Id].Number));
        }

        // What a reader gets over HTTP is the row's value too.
        var read = await investigator.Client.GetAsync($"/api/v1/claims/{zeroId}");
        await Expect.Status(read, HttpStatusCode.OK);
        var served = (await read.Json()).GetProperty("incident").GetProperty("location").GetProperty("longitude").GetRawText();
        Assert.Equal(zeroText, served);

        var verify = await (await api.CoordinatorAsync()).GetAsync("/api/v1/audit/verify?records=true");
        await Expect.Status(verify, HttpStatusCode.OK);
        var report = await verify.Json();
        Assert.True(report.GetProperty("valid").GetBoolean(), report.ToString());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("records").GetProperty("firstMismatch").ValueKind);
    }

    /// <summary>How many of the imported rows' long values are stored compressed with <paramref name="method"/>.</summary>
    private static async Task<long> CompressedAsync(VerificationDb db, string method) =>
        await db.Database.SqlQueryRaw<long>($"""
            SELECT (SELECT count(*) FROM "ClaimDocuments" WHERE pg_column_compression("Staff") = '{method}')
                 + (SELECT count(*) FROM "ClaimSearch" WHERE pg_column_compression("Document") = '{method}'
                        OR pg_column_compression("Summary") = '{method}' OR pg_column_compression("Sources") = '{method}')
                 + (SELECT count(*) FROM "Claims" WHERE pg_column_compression("Summary") = '{method}'
                        OR pg_column_compression("Sources") = '{method}') AS "Value"
            """).SingleAsync();
}
