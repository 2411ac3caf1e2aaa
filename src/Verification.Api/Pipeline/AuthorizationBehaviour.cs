using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Pipeline;

/// <summary>
/// Object-level authorization (OWASP API1): before any command on a claim or an evidence item, or any read of a
/// claim's history, evidence or proposals runs, the caller
/// must be able to see that claim. An investigator who neither submitted nor was assigned to it gets 404, so the
/// answer does not reveal that it exists. Role checks (function level) sit on the endpoints.
/// </summary>
public sealed class AuthorizationBehaviour<TMessage, TResponse>(VerificationDb db, ICurrentUser user)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    // Every other message (the list and partner pages, most reads) goes straight on, without an async state machine: these
    // behaviours wrap every request that goes through the mediator, and three of them did nothing on a page but box one.
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken) =>
        message is IClaimCommand or IClaimQuery or IEvidenceCommand
            ? CheckThenHandleAsync(message, next, cancellationToken)
            : next(message, cancellationToken);

    private async ValueTask<TResponse> CheckThenHandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        switch (message)
        {
            case IClaimCommand c:
                await EnsureClaimVisible(c.ClaimId, cancellationToken);
                break;
            case IClaimQuery q:
                await EnsureClaimVisible(q.ClaimId, cancellationToken);
                break;
            case IEvidenceCommand e:
                var claimId = await db.Evidence.Where(x => x.Id == e.EvidenceId).Select(x => (Guid?)x.ClaimId)
                    .FirstOrDefaultAsync(cancellationToken) ?? throw new NotFound("Evidence", e.EvidenceId);
                if (!await ClaimVisibility.CanSee(db, user, claimId, cancellationToken))
                    throw new NotFound("Evidence", e.EvidenceId);
                break;
        }
        return await next(message, cancellationToken);
    }

    private async Task EnsureClaimVisible(Guid claimId, CancellationToken ct)
    {
        if (!await ClaimVisibility.CanSee(db, user, claimId, ct))
            throw new NotFound("Claim", claimId);
    }
}
