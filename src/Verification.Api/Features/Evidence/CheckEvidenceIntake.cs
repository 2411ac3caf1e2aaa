using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Evidence;

/// <summary>
/// Whether the caller may add evidence to a claim now: a claim they can see (the pipeline's object-level check, 404
/// otherwise) in a stage that takes evidence (409 otherwise). The evidence endpoint asks before it reads a byte of the
/// body, so a refused upload of up to 512 MiB never reaches the store's temporary folder. AddEvidence applies the same
/// two rules again, in its transaction, to what it then changes.
/// </summary>
public static class CheckEvidenceIntake
{
    public sealed record Query(Guid ClaimId) : IQuery<Unit>, IClaimQuery;

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, Unit>
    {
        public async ValueTask<Unit> Handle(Query query, CancellationToken cancellationToken)
        {
            var stage = await db.Claims.AsNoTracking().Where(c => c.Id == query.ClaimId).Select(c => (ClaimStage?)c.Stage)
                .FirstOrDefaultAsync(cancellationToken) ?? throw new NotFound("Claim", query.ClaimId);
            Claim.EnsureTakesEvidence(stage);
            return Unit.Value;
        }
    }
}
