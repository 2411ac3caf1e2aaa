using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Persistence;

namespace Verification.Api.Pipeline;

/// <summary>
/// Wraps each command in one database transaction: the change, its claim number, its custody events and its audit
/// entry commit together or not at all. Queries, and commands that must keep their writes when they refuse
/// (<see cref="IOutsideTransaction"/>), pass straight through.
/// </summary>
public sealed class TransactionBehaviour<TMessage, TResponse>(VerificationDb db) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        if (message is not IBaseCommand || message is IOutsideTransaction || db.Database.CurrentTransaction is not null)
            return await next(message, cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var response = await next(message, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return response;
    }
}
