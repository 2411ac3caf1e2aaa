using Mediator;
using Verification.Api.Infrastructure.Http;

namespace Verification.Api.Pipeline;

/// <summary>
/// A change to a claim's stage or fields must say which version it was made against (RFC 9110 If-Match), so that
/// two reviewers never overwrite each other unknowingly. Missing is 428 here; stale is 412 when the handler compares.
/// </summary>
public sealed class PreconditionBehaviour<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        if (message is IVersionedClaimCommand { ExpectedVersion: null })
            throw new PreconditionRequired();
        return next(message, cancellationToken);
    }
}
