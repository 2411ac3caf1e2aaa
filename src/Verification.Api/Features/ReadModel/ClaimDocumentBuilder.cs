using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Partners;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Features.ReadModel;

/// <summary>A claim's documents as the write side describes them now (what <see cref="ClaimDocument"/> must hold).</summary>
public sealed record BuiltDocuments(Guid ClaimId, long Version, byte[] Staff, byte[]? PartnerPublic, byte[]? PartnerRestricted);

/// <summary>
/// Builds a claim's stored documents from the write side: the staff shape through <see cref="ClaimProjection.ToResponse"/>
/// and the partner shapes through <see cref="PartnerClaimReader"/>, the very code the routes assembled their answers
/// with before the read side existed, serialized with the API's JSON options. So a stored document is, byte for byte,
/// what the assembled path answered. A batch of claims costs a fixed number of queries whatever its size.
/// </summary>
public sealed class ClaimDocumentBuilder(IOptions<JsonOptions> json, TimeProvider clock)
{
    /// <summary>Claims per query: a list of ids in an IN clause, well below every provider's parameter limit.</summary>
    public const int Batch = 200;

    private readonly JsonSerializerOptions options = json.Value.SerializerOptions;

    // The staff shape evaluated on a claim read back with its proposals and assignments: the same expression the query
    // path translates to SQL, so both give the same answer (ReadModelTests compares them after every command kind).
    private static readonly Func<Claim, ClaimResponse> StaffShape = ClaimProjection.ToResponse.Compile();

    public async Task<Dictionary<Guid, BuiltDocuments>> BuildAsync(VerificationDb db, IReadOnlyCollection<Guid> claimIds, CancellationToken ct)
    {
        var built = new Dictionary<Guid, BuiltDocuments>(claimIds.Count);
        var partners = new PartnerClaimReader(db);
        foreach (var chunk in claimIds.Distinct().Chunk(Batch))
        {
            var staff = await db.Claims.AsNoTracking().Where(c => chunk.Contains(c.Id)).Select(ClaimProjection.ToResponse).ToListAsync(ct);
            // Partners see decided claims only: most commands touch none, and then the partner read is skipped.
            var decided = staff.Where(c => c.Status == ClaimStage.Decided).Select(c => c.Id).ToArray();
            var shared = decided.Length == 0 ? [] : await partners.ShapeBothAsync(decided, ct);
            foreach (var claim in staff)
            {
                var partner = shared.TryGetValue(claim.Id, out var both) ? both : default;
                built[claim.Id] = new BuiltDocuments(claim.Id, claim.Version, Serialize(claim),
                    partner.Public is null ? null : Serialize(partner.Public),
                    partner.Restricted is null ? null : Serialize(partner.Restricted));
            }
        }
        return built;
    }

    /// <summary>
    /// A list page of stored documents: <paramref name="read"/> copies the page's current documents into a pooled body
    /// and marks a pending place for each claim whose document is missing or stale, answering the next cursor; each
    /// pending place is then filled with <paramref name="shape"/> of the claim's freshly built documents, or left out
    /// when it has none (the claim is no longer one the caller may list). The body goes back to the pool if anything fails.
    /// </summary>
    /// <param name="bytesPerItem">Bytes to rent per item at first (the body grows past it if needed).</param>
    public async Task<StoredPage> ComposePageAsync(VerificationDb db, int limit, int bytesPerItem, Func<StoredPageBody, Task<string?>> read,
        Func<BuiltDocuments, byte[]?> shape, CancellationToken ct)
    {
        var body = new StoredPageBody(capacity: limit * bytesPerItem, items: limit);
        try
        {
            var next = await read(body);
            if (body.Pending.Count > 0)
            {
                var built = await BuildAsync(db, [.. body.Pending.Select(p => p.Id)], ct);
                body.Resolve(id => built.TryGetValue(id, out var fresh) ? shape(fresh) : null);
            }
            body.Finish(next);
            return new StoredPage(body);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>The bytes a route answers for <paramref name="value"/>: the API's JSON options, as the framework writes them.</summary>
    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, options);

    /// <summary>
    /// (Re)writes the documents of <paramref name="claimIds"/> in the caller's transaction: the claims are read a batch at a
    /// time, the existing rows of a batch in one query, and the changed rows go out with the caller's next save.
    /// </summary>
    public async Task<int> WriteAsync(VerificationDb db, IReadOnlyCollection<Guid> claimIds, CancellationToken ct)
    {
        var written = 0;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var chunk in claimIds.Distinct().Chunk(Batch))
        {
            var built = await BuildAsync(db, chunk, ct);
            var existing = await db.ClaimDocuments.Where(d => chunk.Contains(d.ClaimId)).ToDictionaryAsync(d => d.ClaimId, ct);
            foreach (var documents in built.Values)
            {
                if (!existing.TryGetValue(documents.ClaimId, out var row))
                {
                    row = new ClaimDocument(documents.ClaimId);
                    db.ClaimDocuments.Add(row);
                }
                if (row.Write(documents.Version, documents.Staff, documents.PartnerPublic, documents.PartnerRestricted, now))
                    written++;
            }
        }
        return written;
    }

    /// <summary>
    /// (Re)writes the documents of the snapshot's claims in the caller's transaction, from the rows the snapshot read back:
    /// the staff shape in memory, the partner shapes (decided claims only) through <see cref="PartnerClaimReader"/>.
    /// Existing rows are read in one query per batch, except for claims the unit of work created, which have none yet.
    /// </summary>
    public async Task<int> WriteAsync(VerificationDb db, ClaimSnapshot snapshot, CancellationToken ct)
    {
        var written = 0;
        var now = clock.GetUtcNow().UtcDateTime;
        var partners = new PartnerClaimReader(db);
        foreach (var chunk in snapshot.Claims.Values.Chunk(Batch))
        {
            var decided = chunk.Where(c => c.Stage == ClaimStage.Decided).Select(c => c.Id).ToArray();
            if (decided.Length > 0 && db.ChangeTracker.HasChanges())
            {
                // A partner document names the audit entry that confirmed its verdict: the reader finds it in the database.
                await db.SaveChangesAsync(ct);
            }
            var shared = decided.Length == 0 ? [] : await partners.ShapeBothAsync(decided, ct);
            var toRead = chunk.Where(c => !snapshot.Created.Contains(c.Id)).Select(c => c.Id).ToArray();
            var existing = toRead.Length == 0 ? []
                : await db.ClaimDocuments.Where(d => toRead.Contains(d.ClaimId)).ToDictionaryAsync(d => d.ClaimId, ct);
            foreach (var claim in chunk)
            {
                var partner = shared.TryGetValue(claim.Id, out var both) ? both : default;
                if (!existing.TryGetValue(claim.Id, out var row))
                {
                    row = snapshot.Created.Contains(claim.Id) ? db.ClaimDocuments.Local.FindEntry(claim.Id)?.Entity : null;
                    if (row is null)
                    {
                        row = new ClaimDocument(claim.Id);
                        if (snapshot.NewRowsInBulk?.TryAdd(row) != true)
                            db.ClaimDocuments.Add(row);
                    }
                }
                var staff = StaffShape(claim);
                if (row.Write(staff.Version, Serialize(staff),
                        partner.Public is null ? null : Serialize(partner.Public),
                        partner.Restricted is null ? null : Serialize(partner.Restricted), now))
                    written++;
            }
        }
        return written;
    }

    /// <summary>Whether a stored row holds exactly what the write side describes now.</summary>
    public static bool Matches(ClaimDocument stored, BuiltDocuments fresh) =>
        stored.Version == fresh.Version && stored.Staff.AsSpan().SequenceEqual(fresh.Staff)
        && Same(stored.PartnerPublic, fresh.PartnerPublic) && Same(stored.PartnerRestricted, fresh.PartnerRestricted);

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}

/// <summary>
/// The read side's writer: every audited command's touched claims get their documents rewritten inside the command's
/// transaction (<see cref="AuditBehaviour{TMessage,TResponse}"/>), so a committed claim and its documents never disagree.
/// </summary>
public sealed class ClaimDocumentProjection(ClaimDocumentBuilder builder) : IClaimProjection
{
    public async ValueTask ProjectAsync(VerificationDb db, ClaimSnapshot snapshot, CancellationToken cancellationToken) =>
        await builder.WriteAsync(db, snapshot, cancellationToken);
}
