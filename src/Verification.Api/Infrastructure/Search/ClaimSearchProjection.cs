using Microsoft.EntityFrameworkCore;
using Verification.Api.Pipeline;
using Verification.Persistence;
using Verification.Persistence.Search;

namespace Verification.Api.Infrastructure.Search;

/// <summary>
/// Keeps each touched claim's search text (<see cref="ClaimSearchDocument"/>) in step with the claim, its evidence
/// and its testimonies, inside the command's transaction: a claim is findable by its new words the moment the change
/// commits, and never by words it no longer has. The witness of a testimony is not used (only its text).
/// </summary>
public sealed class ClaimSearchProjection : IClaimProjection
{
    async ValueTask IClaimProjection.ProjectAsync(VerificationDb db, ClaimSnapshot snapshot, CancellationToken cancellationToken) =>
        await ProjectAsync(db, snapshot, cancellationToken);

    /// <summary>Writes the documents of <paramref name="claimIds"/> into the context; the caller saves.</summary>
    public static async Task ProjectAsync(VerificationDb db, IReadOnlyCollection<Guid> claimIds, CancellationToken cancellationToken) =>
        await ProjectAsync(db, await ClaimSnapshot.LoadAsync(db, claimIds, cancellationToken), cancellationToken);

    /// <summary>
    /// Writes the documents of the snapshot's claims (as saved, with their evidence) into the context. Existing rows are
    /// read in one query, except for claims the unit of work created, which have none yet.
    /// </summary>
    public static async Task ProjectAsync(VerificationDb db, ClaimSnapshot snapshot, CancellationToken cancellationToken)
    {
        var documents = db.Set<ClaimSearchDocument>();
        var toRead = snapshot.Claims.Keys.Where(id => !snapshot.Created.Contains(id)).ToArray();
        var existing = toRead.Length == 0 ? []
            : await documents.Where(d => toRead.Contains(d.ClaimId)).ToDictionaryAsync(d => d.ClaimId, cancellationToken);
        foreach (var claim in snapshot.Claims.Values)
        {
            var evidence = snapshot.Evidence[claim.Id].Select(e => (e.Title, e.Description, Testimony: e.TestimonyText));
            if (!existing.TryGetValue(claim.Id, out var document) && snapshot.Created.Contains(claim.Id))
                document = documents.Local.FindEntry(claim.Id)?.Entity;
            if (document is not null)
            {
                document.Update(claim, evidence);
            }
            else if (snapshot.FoldedSearchDocuments.TryGetValue(claim.Id, out var folded))
            {
                folded.ClaimId = claim.Id;
                folded.Number = claim.Number;
                if (snapshot.NewRowsInBulk?.TryAdd(folded) != true)
                    documents.Add(folded);
            }
            else
            {
                var created = ClaimSearchDocument.For(claim, evidence);
                if (snapshot.NewRowsInBulk?.TryAdd(created) != true)
                    documents.Add(created);
            }
        }
    }
}
