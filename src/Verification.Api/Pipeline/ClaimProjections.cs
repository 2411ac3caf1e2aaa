using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Persistence.Bulk;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Verification.Domain.Claims;
using Verification.Domain.Evidence;
using Verification.Persistence;
using Verification.Persistence.Search;

namespace Verification.Api.Pipeline;

/// <summary>
/// Something kept beside the write side that must change with it: a claim's stored documents, its search text.
/// Every projection runs inside the command's transaction, after the command's changes and its audit entry are in the
/// context and before the commit, with the claims the command touched (a claim counts as touched when it, its evidence,
/// its verdict proposals or its assignments were added or modified), read once from the rows as saved
/// (<see cref="ClaimSnapshot"/>). A projection that fails fails the command, so the write side and what is derived from
/// it never disagree in a committed state.
/// <para>
/// The audit entry of the command is added to the context but not necessarily saved when projections run, and neither is
/// a new claim that stands in for its row: a projection that reads them back from the database saves first.
/// </para>
/// </summary>
public interface IClaimProjection
{
    ValueTask ProjectAsync(VerificationDb db, ClaimSnapshot snapshot, CancellationToken cancellationToken);
}

/// <summary>Runs every registered projection, in registration order.</summary>
public sealed class ClaimProjectionRunner(IEnumerable<IClaimProjection> projections)
{
    private readonly IClaimProjection[] projections = [.. projections];

    public bool Any => projections.Length > 0;

    /// <summary>For paths that write without the change tracker: reads the claims once, then projects them.</summary>
    public async ValueTask RunAsync(VerificationDb db, IReadOnlyCollection<Guid> claimIds, CancellationToken cancellationToken)
    {
        if (claimIds.Count == 0 || !Any)
            return;
        await RunAsync(db, await ClaimSnapshot.LoadAsync(db, claimIds, cancellationToken), cancellationToken);
    }

    public async ValueTask RunAsync(VerificationDb db, ClaimSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (snapshot.Claims.Count == 0)
            return;
        foreach (var projection in projections)
            await projection.ProjectAsync(db, snapshot, cancellationToken);
    }
}

/// <summary>
/// The claims a command touched, read back once from the rows as saved (a claim the command inserted stands in for its
/// row only when every value it holds reads back unchanged, <see cref="StandsInForItsRow"/>, and so does a claim a bulk
/// writer stored, <see cref="IClaimsWrittenInBulk.ClaimsAsStored"/>): each claim
/// with its verdict proposals and assignments, and the evidence items of those claims. The audit entry's record-state
/// digests, the stored documents and the search text are all computed from this one read, so they describe the same
/// rows, and a batch of claims costs a fixed number of queries (two per <see cref="Batch"/> claims) whatever its size.
/// </summary>
public sealed class ClaimSnapshot
{
    /// <summary>Claims per query: a list of ids in an IN clause, well below every provider's parameter limit.</summary>
    public const int Batch = 200;

    private static readonly ILookup<Guid, EvidenceItem> NoEvidence = Array.Empty<EvidenceItem>().ToLookup(e => e.ClaimId);

    private ClaimSnapshot(Dictionary<Guid, Claim> claims, ILookup<Guid, EvidenceItem> evidence, IReadOnlySet<Guid> created)
    {
        Claims = claims;
        Evidence = evidence;
        Created = created;
    }

    /// <summary>The claims as stored, with <see cref="Claim.Proposals"/> and <see cref="Claim.Assignments"/> loaded.</summary>
    public IReadOnlyDictionary<Guid, Claim> Claims { get; }

    /// <summary>Each claim's evidence items as stored, in the order the database gives for (SubmittedAt, Id).</summary>
    public ILookup<Guid, EvidenceItem> Evidence { get; }

    /// <summary>
    /// Claims inserted by this very unit of work: nothing derived from them can be stored yet, so a projection may add
    /// its rows without first looking for existing ones (after checking the context, should an earlier command of the
    /// same transaction have projected them).
    /// </summary>
    public IReadOnlySet<Guid> Created { get; }

    /// <summary>
    /// Search documents folded from a new claim's details before the claim existed (an import's read-ahead thread:
    /// <see cref="ClaimSearchDocument.Unnumbered"/>), for claims of this snapshot taken as stored, without evidence; the
    /// search projection numbers and adds them instead of folding those claims again. Empty for any other command.
    /// </summary>
    public IReadOnlyDictionary<Guid, ClaimSearchDocument> FoldedSearchDocuments { get; private set; } = NoFolded;

    private static readonly Dictionary<Guid, ClaimSearchDocument> NoFolded = [];

    /// <summary>
    /// Where the projections put the new rows of claims written in bulk (<see cref="IClaimsWrittenInBulk"/>) instead of
    /// the change tracker; null when the command wrote none, and then every row is tracked.
    /// </summary>
    public BulkProjectedRows? NewRowsInBulk { get; set; }

    public static Task<ClaimSnapshot> LoadAsync(VerificationDb db, IReadOnlyCollection<Guid> claimIds, CancellationToken ct) =>
        LoadAsync(db, claimIds, new HashSet<Guid>(), evidenceTouched: true, ct);

    /// <summary>
    /// Whether the claim of <paramref name="entry"/>, inserted by this unit of work through the change tracker, can stand
    /// in for its read-back: it has no verdict proposals and no assignments (whose order a read would decide), its tracked
    /// values are those its INSERT writes (the entry is still Added) or wrote (Unchanged since the save; no command
    /// changes a claim behind the tracker), and every one of them reads back as it is. A claim has no value generated by
    /// the database and its text is valid UTF-16 (the JSON reader refuses lone surrogates); what could still come back
    /// different is checked on the values themselves, from the model, so a column added later is covered: a time finer
    /// than a microsecond (PostgreSQL keeps microseconds; the import's clock is not rounded), a negative zero (SQLite
    /// gives it back as 0), a fixed-length text shorter than its length (PostgreSQL
    /// pads it). A claim that fails any of these is read back like any other. SubmitWritePathTests and
    /// ImportBulkEqualityTests prove the stored state, documents and search text equal a read of the rows on both
    /// providers, and <c>/audit/verify?records=true</c> re-reads them anyway.
    /// </summary>
    public static bool StandsInForItsRow(EntityEntry entry)
    {
        if (entry.Entity is not Claim claim || claim.Proposals.Count != 0 || claim.Assignments.Count != 0)
            return false;
        return entry.State is EntityState.Added or EntityState.Unchanged
            && entry.Properties.All(p => StoredAsWritten.ReadsBackAsIs(p.Metadata, p.CurrentValue))
            && entry.ComplexProperties.All(ReadsBackAsIs);
    }

    private static bool ReadsBackAsIs(ComplexPropertyEntry complex) =>
        complex.Properties.All(p => StoredAsWritten.ReadsBackAsIs(p.Metadata, p.CurrentValue)) && complex.ComplexProperties.All(ReadsBackAsIs);

    /// <param name="created">Claims inserted by this unit of work (see <see cref="Created"/>).</param>
    /// <param name="evidenceTouched">
    /// Whether the unit of work added or changed evidence. When it did not and every claim is <paramref name="created"/>,
    /// no evidence can exist for them (an item needs its claim first) and the evidence read is skipped.
    /// </param>
    public static Task<ClaimSnapshot> LoadAsync(VerificationDb db, IReadOnlyCollection<Guid> claimIds, IReadOnlySet<Guid> created,
        bool evidenceTouched, CancellationToken ct) =>
        LoadAsync(db, claimIds, created, evidenceTouched, [], ct);

    /// <param name="asStored">
    /// Claims of <paramref name="claimIds"/> this unit of work created, without evidence, proposals or assignments, whose
    /// objects hold exactly what their rows hold: inserted through the tracker (<see cref="StandsInForItsRow"/>, then a
    /// submission reads nothing) or in bulk (<see cref="IClaimsWrittenInBulk.ClaimsAsStored"/>). Taken as they are,
    /// neither they nor their (absent) evidence are read. The rest is read as usual.
    /// </param>
    public static Task<ClaimSnapshot> LoadAsync(VerificationDb db, IReadOnlyCollection<Guid> claimIds, IReadOnlySet<Guid> created,
        bool evidenceTouched, IReadOnlyCollection<Claim> asStored, CancellationToken ct) =>
        LoadAsync(db, claimIds, created, evidenceTouched, asStored, NoFolded, ct);

    /// <param name="folded">
    /// Search documents already folded for some of <paramref name="asStored"/> (<see cref="FoldedSearchDocuments"/>); kept
    /// only for those, since only their objects are known to hold what was folded.
    /// </param>
    public static async Task<ClaimSnapshot> LoadAsync(VerificationDb db, IReadOnlyCollection<Guid> claimIds, IReadOnlySet<Guid> created,
        bool evidenceTouched, IReadOnlyCollection<Claim> asStored, IReadOnlyDictionary<Guid, ClaimSearchDocument> folded, CancellationToken ct)
    {
        var claims = new Dictionary<Guid, Claim>(claimIds.Count);
        var evidence = new List<EvidenceItem>();
        foreach (var claim in asStored)
        {
            if (!created.Contains(claim.Id) || claim.Proposals.Count > 0 || claim.Assignments.Count > 0)
                throw new InvalidOperationException($"Claim {claim.Id} is not a claim this unit of work created as it is stored.");
            claims[claim.Id] = claim;
        }
        var toRead = claims.Count == 0 ? claimIds : [.. claimIds.Where(id => !claims.ContainsKey(id))];
        var readEvidence = evidenceTouched || toRead.Any(id => !created.Contains(id));
        foreach (var chunk in toRead.Distinct().Chunk(Batch))
        {
            // One query: a claim has few proposals and fewer assignments, so their product per claim stays small.
            foreach (var claim in await db.Claims.AsNoTracking().Include(c => c.Proposals).Include(c => c.Assignments).AsSingleQuery()
                         .Where(c => chunk.Contains(c.Id)).ToListAsync(ct))
                claims[claim.Id] = claim;
            if (readEvidence)
                evidence.AddRange(await db.Evidence.AsNoTracking().Where(e => chunk.Contains(e.ClaimId))
                    .OrderBy(e => e.SubmittedAt).ThenBy(e => e.Id).ToListAsync(ct));
        }
        var snapshot = new ClaimSnapshot(claims, evidence.Count == 0 ? NoEvidence : evidence.ToLookup(e => e.ClaimId),
            created.Count == 0 ? created : new HashSet<Guid>(created.Where(claims.ContainsKey)));
        if (folded.Count > 0)
        {
            var kept = new Dictionary<Guid, ClaimSearchDocument>(asStored.Count);
            foreach (var claim in asStored)
            {
                if (folded.TryGetValue(claim.Id, out var document) && !snapshot.Evidence.Contains(claim.Id))
                    kept[claim.Id] = document;
            }
            snapshot.FoldedSearchDocuments = kept;
        }
        return snapshot;
    }
}
