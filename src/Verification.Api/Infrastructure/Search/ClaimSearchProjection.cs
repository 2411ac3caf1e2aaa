using Microsoft.EntityFrameworkCore;
using Verification.Api.Pipeline;
using Verification.Persistence;
using Verification.Persistence.Search;

namespace Verification.Api.Infrastructure.Search;

/// <summary>
/// Keeps each touched claim's search text (<see cref="ClaimSearchDocument"/>) in step with the claim, its evidence
/// and its testimonies, inside the command's transaction: a claim is findable by its new words the moment the change
/// commits, and never by words it no longer has. The witness of a testimony is not read (only its text).
/// </summary>
public sealed class ClaimSearchProjection : IClaimProjection
{
    async ValueTask IClaimProjection.ProjectAsync(VerificationDb db, IReadOnlyCollection<Guid> claimIds, CancellationToken cancellationToken) =>
        await ProjectAsync(db, claimIds, cancellationToken);

    /// <summary>Writes the documents of <paramref name="claimIds"/> into the context; the caller saves.</summary>
    public static async Task ProjectAsync(VerificationDb db, IReadOnlyCollection<Guid> claimIds, CancellationToken cancellationToken)
    {
        var claims = await db.Claims.AsNoTracking().Where(c => claimIds.Contains(c.Id)).ToListAsync(cancellationToken);
        var evidence = (await db.Evidence.AsNoTracking().Where(e => claimIds.Contains(e.ClaimId))
                .OrderBy(e => e.SubmittedAt).ThenBy(e => e.Id)
                .Select(e => new { e.ClaimId, e.Title, e.Description, e.TestimonyText })
                .ToListAsync(cancellationToken))
            .ToLookup(e => e.ClaimId, e => (e.Title, e.Description, Testimony: e.TestimonyText));
        var documents = db.Set<ClaimSearchDocument>();
        var existing = await documents.Where(d => claimIds.Contains(d.ClaimId)).ToDictionaryAsync(d => d.ClaimId, cancellationToken);
        foreach (var claim in claims)
        {
            if (existing.TryGetValue(claim.Id, out var document))
                document.Update(claim, evidence[claim.Id]);
            else
                documents.Add(ClaimSearchDocument.For(claim, evidence[claim.Id]));
        }
    }
}
