using System.Collections.Concurrent;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Persistence;
using Verification.Persistence;

namespace Verification.Api.Pipeline;

/// <summary>
/// Wraps each command in one database transaction: the change, its claim number, its custody events and its audit
/// entry commit together or not at all. Queries pass straight through, and so do commands that own their
/// transactions (<see cref="IOwnsTransactions"/>).
/// </summary>
public sealed class TransactionBehaviour<TMessage, TResponse>(VerificationDb db, ClaimWriteTracker claimWrites) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    // Queries go straight on, without an async state machine (see AuthorizationBehaviour).
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken) =>
        message is not IBaseCommand || message is IOwnsTransactions || db.Database.CurrentTransaction is not null
            ? next(message, cancellationToken)
            : InTransactionAsync(message, next, cancellationToken);

    private async ValueTask<TResponse> InTransactionAsync(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {

        // SQLite lets one writer in at a time (our transactions start with BEGIN IMMEDIATE). Microsoft.Data.Sqlite makes
        // a writer that finds the database locked retry with Thread.Sleep(150) on its thread-pool thread, so a burst of
        // concurrent commands parks most of the pool in sleeps while the one writer waits for a thread to finish on:
        // 16 concurrent submissions reached almost nothing. Writers of this process queue here instead, without a thread.
        var gate = db.Provider == DatabaseProvider.Sqlite ? SqliteWriters.For(db.Database.GetConnectionString()) : null;
        if (gate is not null)
            await gate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var response = await next(message, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return response;
        }
        finally
        {
            // A transaction disposed without commit or rollback (the command threw) ends its claims' writes here.
            claimWrites.Ended(db);
            gate?.Release();
        }
    }
}

/// <summary>One writer at a time per SQLite database file, within this process.</summary>
internal static class SqliteWriters
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public static SemaphoreSlim For(string? connectionString) => Gates.GetOrAdd(connectionString ?? string.Empty, static _ => new SemaphoreSlim(1, 1));
}
