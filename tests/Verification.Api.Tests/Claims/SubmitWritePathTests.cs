using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.ReadModel;
using Verification.Api.Infrastructure.Integrity;
using Verification.Api.Tests.Infrastructure;
using Verification.Domain.Audit;
using Verification.Persistence;
using Verification.Persistence.Search;

namespace Verification.Api.Tests.Claims;

/// <summary>
/// The shortcuts of a submission's write path (docs/performance-changes.md, "Fourth round: submit"): a new claim stands in
/// for its own read-back, so its audit record state, stored document and search text are computed from the object the
/// handler made, and the claim's rows go out in the same save as its audit entry. These prove that what was computed
/// equals what a read of the committed rows gives, for values that a database could store differently from memory, and
/// that a failure in that one save leaves nothing behind.
/// </summary>
public sealed class SubmitWritePathTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_submission_stores_the_record_state_document_and_search_text_of_its_rows_as_read_back(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var investigator = (await api.NewPersonAsync("Investigator")).Client;
        var (body, _) = await investigator.SubmitClaimAsync(AwkwardClaim());
        await AssertStoredAsReadBackAsync(api, body, answerIsTheDocument: true);

        // A negative zero is a value SQLite gives back as 0: such a claim is read back rather than stand in for its row,
        // and what is stored is still what a read gives.
        var negativeZero = AwkwardClaim();
        negativeZero["incident"]!["location"]!["longitude"] = -0.0;
        var (zero, _) = await investigator.SubmitClaimAsync(negativeZero);
        await AssertStoredAsReadBackAsync(api, zero, answerIsTheDocument: false);

        // And the records check, which re-reads every covered row, finds nothing to name.
        var coordinator = await api.CoordinatorAsync();
        var verify = await coordinator.GetAsync("/api/v1/audit/verify?records=true");
        await Expect.Status(verify, HttpStatusCode.OK);
        var result = await verify.Json();
        Assert.True(result.GetProperty("valid").GetBoolean(), result.ToString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("records").GetProperty("firstMismatch").ValueKind);
    }

    private static async Task AssertStoredAsReadBackAsync(TestApi api, JsonElement body, bool answerIsTheDocument)
    {
        var id = body.GetProperty("id").GetGuid();
        await using (var scope = api.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
            var claim = await db.Claims.AsNoTracking().Include(c => c.Proposals).Include(c => c.Assignments).SingleAsync(c => c.Id == id);

            // The audit entry's record state is the digest of the row as stored.
            var state = await db.AuditRecordStates.AsNoTracking().SingleAsync(s => s.RecordId == id);
            Assert.Equal(AuditRecordState.Claim, state.RecordType);
            Assert.Equal(RecordStates.DigestOf(claim), state.Digest);

            // The stored documents are a fresh projection of the rows, and the answer of the submission is the staff one.
            var fresh = (await scope.ServiceProvider.GetRequiredService<ClaimDocumentBuilder>().BuildAsync(db, [id], CancellationToken.None))[id];
            var stored = await db.ClaimDocuments.AsNoTracking().SingleAsync(d => d.ClaimId == id);
            Assert.True(ClaimDocumentBuilder.Matches(stored, fresh), $"stored {System.Text.Encoding.UTF8.GetString(stored.Staff)}\nfresh  {System.Text.Encoding.UTF8.GetString(fresh.Staff)}");
            if (answerIsTheDocument)
                Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(fresh.Staff)), JsonSerializer.Serialize(body));

            // The search text is the one a rebuild from the rows writes.
            var search = await db.Set<ClaimSearchDocument>().AsNoTracking().SingleAsync(d => d.ClaimId == id);
            var rebuilt = ClaimSearchDocument.For(claim, []);
            Assert.Equal(
                (rebuilt.Number, rebuilt.Version, rebuilt.Title, rebuilt.Names, rebuilt.Summary, rebuilt.Sources, rebuilt.Evidence, rebuilt.Perpetrators),
                (search.Number, search.Version, search.Title, search.Names, search.Summary, search.Sources, search.Evidence, search.Perpetrators));
        }
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_submission_whose_save_fails_leaves_no_claim_number_document_search_row_or_audit_entry(DatabaseProvider provider)
    {
        var failing = new FailingInsert("INSERT INTO \"ClaimSearch\"");
        await using var api = await TestApi.StartAsync(provider, services: s => s.AddSingleton<IInterceptor>(failing));
        var investigator = (await api.NewPersonAsync("Investigator")).Client;
        await investigator.SubmitClaimAsync();
        var before = await CountsAsync(api);

        failing.Armed = true;
        var refused = await investigator.PostAsJsonAsync("/api/v1/claims", Kidal.Claim());
        failing.Armed = false;
        // EF Core reports a statement that fails inside a save as a DbUpdateException, which the API answers 409.
        await Expect.Problem(refused, HttpStatusCode.Conflict);
        Assert.Equal(1, failing.Thrown);

        // Nothing of the failed submission was committed: not its number, claim, history, documents, search row or audit entry.
        Assert.Equal(before, await CountsAsync(api));

        // The next submission goes through (the writer gate and the pooled context were released clean) and the chain is whole.
        var (next, _) = await investigator.SubmitClaimAsync();
        var after = await CountsAsync(api);
        Assert.Equal(before with
        {
            Numbers = before.Numbers + 1,
            Claims = before.Claims + 1,
            Events = before.Events + 1,
            Documents = before.Documents + 1,
            Search = before.Search + 1,
            Audit = before.Audit + 1,
            States = before.States + 1,
        }, after);
        var coordinator = await api.CoordinatorAsync();
        var verify = await (await coordinator.GetAsync("/api/v1/audit/verify?records=true")).Json();
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
        await Expect.Status(await coordinator.GetAsync($"/api/v1/claims/{next.GetProperty("id").GetGuid()}"), HttpStatusCode.OK);
    }

    private sealed record Counts(int Numbers, int Claims, int Events, int Documents, int Search, int Audit, int States);

    private static async Task<Counts> CountsAsync(TestApi api)
    {
        await using var scope = api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        return new Counts(await db.ClaimNumbers.CountAsync(), await db.Claims.CountAsync(), await db.ClaimEvents.CountAsync(),
            await db.ClaimDocuments.CountAsync(), await db.Set<ClaimSearchDocument>().CountAsync(), await db.AuditEntries.CountAsync(),
            await db.AuditRecordStates.CountAsync());
    }

    /// <summary>
    /// Values a database could give back differently from how they were sent: doubles with all their digits, text in
    /// several scripts with combining marks and characters outside the BMP, an empty optional field, several sources and
    /// perpetrators in a chosen order, every harm figure.
    /// </summary>
    private static JsonObject AwkwardClaim()
    {
        var claim = Kidal.Claim();
        claim["title"] = "Frappe sur le marché de Ménaka — ضربة جوية 🛩️ (e\u0301 combiné)";
        claim["summary"] = "Ligne 1\nLigne 2\twith a tab, \"quotes\", a backslash \\ and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 outside the BMP.";
        var location = claim["incident"]!["location"]!.AsObject();
        location["placeName"] = "Ménaka";
        location["admin1"] = "Ménaka";
        location["admin2"] = "Cercle de Ménaka";
        location["latitude"] = 15.918711234567891;
        location["longitude"] = -0.000012345678901234;
        location["geoPrecision"] = "Exact";
        claim["incident"]!["timePrecision"] = "Day";
        claim["perpetrators"] = new JsonArray(
            new JsonObject { ["name"] = "Wagner Group", ["type"] = "ForeignOrPrivateMilitary" },
            new JsonObject { ["name"] = "Forces Armées Maliennes (FAMa)", ["type"] = "StateForce" });
        claim["sources"] = new JsonArray(
            new JsonObject { ["type"] = "LocalMedia", ["description"] = "Reportage du 30 mars", ["url"] = "https://example.org/a?b=c&d=é" },
            new JsonObject { ["type"] = "LocalMedia", ["description"] = "Second report" });
        claim["harm"] = new JsonObject
        {
            ["killedMin"] = 3,
            ["killedMax"] = 7,
            ["injuredMin"] = 1,
            ["injuredMax"] = 12,
            ["civiliansKilledMin"] = 2,
            ["civiliansKilledMax"] = 7,
            ["childrenKilledMin"] = 0,
            ["childrenKilledMax"] = 2,
            ["womenKilledMin"] = 1,
            ["womenKilledMax"] = 3,
        };
        claim["externalId"] = "awkward-" + Guid.NewGuid().ToString("N");
        return claim;
    }

    /// <summary>Fails the next matching statement once armed, as a full disk or a lost connection would fail it.</summary>
    private sealed class FailingInsert(string prefix) : DbCommandInterceptor
    {
        private int _thrown;

        public volatile bool Armed;

        public int Thrown => _thrown;

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Fail(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Fail(command);
            return ValueTask.FromResult(result);
        }

        private void Fail(DbCommand command)
        {
            if (Armed && command.CommandText.Contains(prefix, StringComparison.Ordinal) && Interlocked.Increment(ref _thrown) == 1)
                throw new InvalidOperationException("Injected failure of " + prefix);
        }
    }
}
