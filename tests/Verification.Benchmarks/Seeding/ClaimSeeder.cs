using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Verification.Domain.Audit;
using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Domain.Evidence;
using Verification.Domain.Verdicts;
using Verification.Persistence;

namespace Verification.Benchmarks.Seeding;

/// <summary>
/// Loads claims in bulk through the domain and EF Core, never through HTTP: each claim is made by Claim.Submit, triaged,
/// given a verdict by one reviewer and confirmed by a second (so every claim is decided and a partner can see it: the
/// partner page and the exports read them), one in ten is assigned to a second investigator, and one in ten carries two
/// evidence items (a link and a testimony from different origins) accepted before a Fair verdict, the others a Weak one.
/// Its number is a real ClaimNumbers row, and each submission has its audit-chain entry. Batches of a few thousand,
/// change detection off. Each batch's stored claim documents are written in its transaction (<see cref="ClaimSeederDocuments"/>).
/// </summary>
public static class ClaimSeeder
{
    public const int BatchSize = 4000;

    private static readonly (string Place, string Country, string Admin1, double Lat, double Lon)[] Places =
    [
        ("Kidal", "ML", "Kidal", 18.44, 1.41), ("El Fasher", "SD", "North Darfur", 13.63, 25.35),
        ("Kharkiv", "UA", "Kharkiv Oblast", 49.99, 36.23), ("Idlib", "SY", "Idlib", 35.93, 36.63),
        ("Taiz", "YE", "Taiz", 13.58, 44.02), ("Bambari", "CF", "Ouaka", 5.76, 20.68),
        ("Goma", "CD", "Nord-Kivu", -1.68, 29.22), ("Lashio", "MM", "Shan", 22.93, 97.75),
        ("Mekelle", "ET", "Tigray", 13.50, 39.47), ("Baidoa", "SO", "Bay", 3.11, 43.65),
    ];

    private static readonly (string Name, PerpetratorType Type)[] Actors =
    [
        ("Malian Armed Forces (FAMa)", PerpetratorType.StateForce), ("Wagner Group", PerpetratorType.ForeignOrPrivateMilitary),
        ("Rapid Support Forces", PerpetratorType.NonStateArmedGroup), ("Unidentified armed men", PerpetratorType.Unknown),
    ];

    public static readonly Guid[] Investigators = [.. Enumerable.Range(1, 20).Select(i => new Guid($"00000000-0000-0000-0000-{i:D12}"))];
    private static readonly Guid ReviewerA = new("00000000-0000-0000-0001-000000000001");
    private static readonly Guid ReviewerB = new("00000000-0000-0000-0001-000000000002");
    private static readonly Guid Coordinator = new("00000000-0000-0000-0001-000000000003");

    /// <summary>Creates the schema (the API's migrations) and loads <paramref name="count"/> claims.</summary>
    public static async Task<TimeSpan> SeedAsync(DatabaseProvider provider, string connectionString, int count, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var options = new DbContextOptionsBuilder<VerificationDb>().UseVerificationDatabase(provider, connectionString).Options;
        await using (var db = new VerificationDb(options))
        {
            // As the API's PrepareDatabaseAsync does: the page size and WAL, stored in the file.
            if (provider == DatabaseProvider.Sqlite)
                await SqliteFileFormat.ApplyAsync(db.Database, ct);
            await db.Database.MigrateAsync(ct);
        }

        var random = new Random(20240330);
        var now = DateTime.UtcNow;
        var auditSequence = 0L;
        var auditHash = AuditEntry.GenesisHash;
        for (var start = 0; start < count; start += BatchSize)
        {
            var size = Math.Min(BatchSize, count - start);
            await using var db = new VerificationDb(options);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var numbers = new List<ClaimNumber>(size);
            var claimIds = new List<Guid>(size);
            for (var i = 0; i < size; i++)
                numbers.Add(new ClaimNumber { IssuedAt = SubmittedAt(now, count, start + i) });
            db.ClaimNumbers.AddRange(numbers);
            await db.SaveChangesAsync(ct);

            for (var i = 0; i < size; i++)
            {
                var index = start + i;
                var at = numbers[i].IssuedAt;
                var (claim, evidence) = NewClaim(random, index, numbers[i].Id, at);
                db.Claims.Add(claim);
                claimIds.Add(claim.Id);
                db.Evidence.AddRange(evidence);
                var entry = AuditEntry.Append(auditSequence, auditHash, at, $"user:{claim.SubmittedBy}", "SubmitClaim", claim.Id.ToString(),
                    Hashing.Sha256Hex(claim.Id.ToString()));
                db.AuditEntries.Add(entry);
                auditSequence = entry.Sequence;
                auditHash = entry.Hash;
            }
            await db.SaveChangesAsync(ct);
            // The read side, as the product's projection writes it in each command's transaction.
            await ClaimSeederDocuments.WriteAsync(db, claimIds, ct);
            await transaction.CommitAsync(ct);
        }

        if (provider == DatabaseProvider.PostgreSql)
        {
            // A server that has lived with these rows has statistics for them; autovacuum would get there in its own time.
            await using var db = new VerificationDb(options);
            await db.Database.ExecuteSqlRawAsync("ANALYZE", ct);
        }
        return clock.Elapsed;
    }

    /// <summary>Claim ids picked at random from the database, for reads of one claim.</summary>
    public static async Task<IReadOnlyList<Guid>> SampleClaimIdsAsync(DatabaseProvider provider, string connectionString, int count)
    {
        await using DbConnection connection = provider == DatabaseProvider.Sqlite
            ? new SqliteConnection(connectionString)
            : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"Id\" FROM \"Claims\" ORDER BY random() LIMIT {count}";
        var ids = new List<Guid>(count);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            ids.Add(reader.GetGuid(0));
        return ids;
    }

    private static DateTime SubmittedAt(DateTime now, int count, int index) => now.AddMinutes(-5.0 * (count - index));

    private static (Claim Claim, IReadOnlyList<EvidenceItem> Evidence) NewClaim(Random random, int index, long number, DateTime at)
    {
        var place = Places[index % Places.Length];
        var start = DateOnly.FromDateTime(at).AddDays(-random.Next(1, 30));
        var types = new[] { (ViolationType)(index % 9), (ViolationType)((index / 9) % 9) };
        var killed = random.Next(0, 40);
        var details = ClaimDetails.Create(
            $"Reported {types[0]} near {place.Place}, case {index}",
            $"Local sources report that on {start:d MMMM yyyy} armed actors attacked civilians near {place.Place} ({place.Admin1}). " +
            "Witnesses describe shelling of a market and the detention of several men; figures are unconfirmed and vary between sources. " +
            "The account is being checked against satellite imagery and media reports.",
            types,
            Incident.Create(start, start.AddDays(random.Next(0, 2)), TimePrecision.Day, DateOnly.FromDateTime(at).AddDays(1)),
            Location.Create(place.Place, place.Country, place.Admin1, null, place.Lat, place.Lon, GeoPrecision.NearbyTown),
            [new Perpetrator(Actors[index % Actors.Length].Name, Actors[index % Actors.Length].Type),
             new Perpetrator(Actors[(index + 1) % Actors.Length].Name, Actors[(index + 1) % Actors.Length].Type)],
            new Harm(killed, killed + random.Next(0, 10), null, null, killed / 2, killed, null, null, null, null),
            [new Source(SourceType.LocalMedia, "Local radio report", null), new Source(SourceType.Witness, "Phone interview with a resident", null)]);
        var submitter = Investigators[index % Investigators.Length];
        var claim = Claim.Submit(Guid.CreateVersion7(new DateTimeOffset(at)), number, submitter, at, details);
        if (index % 10 == 3)
            claim.Assign(Investigators[(index + 1) % Investigators.Length], Coordinator, at.AddMinutes(30));
        claim.Triage(ReviewerA, TriageDecision.Accept, null, null, at.AddHours(1));

        // One claim in ten: two accepted items from different origins, reviewed before the verdict, so a partner sees them
        // (and each export records a Shared custody event on each); enough corroboration for a Fair verdict.
        List<EvidenceItem> evidence = [];
        if (index % 10 == 7)
        {
            evidence.Add(EvidenceItem.Receive(Guid.CreateVersion7(new DateTimeOffset(at.AddMinutes(70))), claim.Id,
                new EvidenceItem.Intake(EvidenceKind.Link, "Radio report", null, $"https://radio.example.org/reports/{index}", null, null,
                    "Local radio", EvidenceStance.Supports, null, null), null, submitter, at.AddMinutes(70)));
            evidence.Add(EvidenceItem.Receive(Guid.CreateVersion7(new DateTimeOffset(at.AddMinutes(80))), claim.Id,
                new EvidenceItem.Intake(EvidenceKind.Testimony, "Resident's account", null, null, null, null,
                    "Resident interview", EvidenceStance.Supports, "I saw the strike on the market from my roof.", null), null, submitter, at.AddMinutes(80)));
            foreach (var item in evidence)
            {
                claim.AttachEvidence(item.Id, item.Kind.ToString(), submitter, item.SubmittedAt);
                item.Review(ReviewerA, ReviewDecision.Accept, null, SourceReliability.B, 2, at.AddMinutes(90));
                claim.RecordEvidenceReview(item.Id, $"{item.ReviewStatus} {item.SourceReliability}{item.InformationCredibility}", ReviewerA, at.AddMinutes(90));
            }
        }
        var corroboration = Corroboration.Assess(evidence.Select(e => (e.ReviewStatus, e.Stance, e.Origin)));
        var (rating, rationale) = evidence.Count > 0
            ? (VerdictRating.Fair, "A radio report and a resident's account, independent of each other, agree.")
            : (VerdictRating.Weak, "A single local report; nothing independent yet.");
        var proposal = claim.ProposeVerdict(Guid.CreateVersion7(new DateTimeOffset(at.AddHours(2))), ReviewerA, rating,
            rationale, null, [Actors[index % Actors.Length].Name], corroboration, at.AddHours(2));
        claim.ConfirmVerdict(proposal.Id, ReviewerB, at.AddHours(3));
        return (claim, evidence);
    }
}
