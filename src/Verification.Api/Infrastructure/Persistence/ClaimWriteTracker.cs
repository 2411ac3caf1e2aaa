using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// Tells <see cref="ClaimVersions"/> when a claim's version may change: a save that holds a modified claim starts
/// (<see cref="ClaimVersions.Writing"/>), and its transaction ends (<see cref="ClaimVersions.Written"/>). On PostgreSQL
/// the other instances are told too: a <c>NOTIFY</c> with the claims' ids goes out in the transaction just before it
/// commits, so it is delivered with the commit and never for a rollback. Claims inserted are not announced: no
/// instance can hold a version of a claim that did not exist. Every other tracked claim is, changed or not (see
/// <see cref="Announce"/>).
/// </summary>
public sealed class ClaimWriteTracker(ClaimVersions versions) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    // Per context, its current unit of work (a pooled context is reused: emptied at its end).
    private readonly ConditionalWeakTable<DbContext, UnitOfWork> _units = new();

    private sealed class UnitOfWork
    {
        /// <summary>The claims announced to <see cref="ClaimVersions"/>: released when the unit of work ends.</summary>
        public HashSet<Guid> Announced { get; } = [];

        /// <summary>The claims this unit of work inserted: tracked as unchanged after their first save, never announced.</summary>
        public HashSet<Guid> Created { get; } = [];
    }

    /// <summary>The unit of work of <paramref name="context"/> is over (committed, rolled back or abandoned): its claims are written.</summary>
    public void Ended(DbContext context)
    {
        if (!_units.TryGetValue(context, out var unit))
            return;
        foreach (var id in unit.Announced)
            versions.Written(id);
        unit.Announced.Clear();
        unit.Created.Clear();
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Announce(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Announce(eventData.Context);
        return ValueTask.FromResult(result);
    }

    // A save outside any transaction (EF Core opens none for a single statement) has committed or failed by now.
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            if (HasPending(context))
                Notify(context);
            Ended(context);
        }
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            if (HasPending(context))
                await NotifyAsync(context, cancellationToken);
            Ended(context);
        }
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null)
            Ended(context);
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    InterceptionResult IDbTransactionInterceptor.TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (eventData.Context is { } context && HasPending(context))
            Notify(context);
        return result;
    }

    async ValueTask<InterceptionResult> IDbTransactionInterceptor.TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken)
    {
        if (eventData.Context is { } context && HasPending(context))
            await NotifyAsync(context, cancellationToken);
        return result;
    }

    void IDbTransactionInterceptor.TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => EndedIfAny(eventData.Context);

    Task IDbTransactionInterceptor.TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken) =>
        EndedIfAny(eventData.Context);

    void IDbTransactionInterceptor.TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => EndedIfAny(eventData.Context);

    Task IDbTransactionInterceptor.TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken) =>
        EndedIfAny(eventData.Context);

    void IDbTransactionInterceptor.TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => EndedIfAny(eventData.Context);

    Task IDbTransactionInterceptor.TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken) =>
        EndedIfAny(eventData.Context);

    private Task EndedIfAny(DbContext? context)
    {
        if (context is not null)
            Ended(context);
        return Task.CompletedTask;
    }

    private bool HasPending(DbContext context) => _units.TryGetValue(context, out var unit) && unit.Announced.Count > 0;

    private void Announce(DbContext? context)
    {
        if (context is null || !versions.Caches)
            return;
        UnitOfWork? unit = null;
        // Every claim the context tracks that this unit of work did not insert, modified or not: a save is about to run
        // change detection itself, so asking for it here would run it twice (on every entity of an import's batch).
        // Announcing a claim that turns out unchanged costs one cache miss (and on PostgreSQL one notice).
        var detects = context.ChangeTracker.AutoDetectChangesEnabled;
        context.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in context.ChangeTracker.Entries<Claim>())
            {
                if (entry.State == EntityState.Detached)
                    continue;
                unit ??= _units.GetValue(context, static _ => new UnitOfWork());
                var id = entry.Entity.Id;
                if (entry.State == EntityState.Added)
                    unit.Created.Add(id);
                else if (!unit.Created.Contains(id) && unit.Announced.Add(id))
                    versions.Writing(id);
            }
        }
        finally
        {
            context.ChangeTracker.AutoDetectChangesEnabled = detects;
        }
    }

    /// <summary>
    /// PostgreSQL: the claims' ids to every instance, through the context, so in its transaction when there is one (and
    /// then delivered only when it commits). A notice's payload holds under 8,000 bytes: 200 ids of 37 characters fit.
    /// </summary>
    private async Task NotifyAsync(DbContext context, CancellationToken ct)
    {
        if (Notices(context) is { } notices)
        {
            foreach (var payload in notices)
                await context.Database.ExecuteSqlAsync($"SELECT pg_notify({ChangeNoticeListener.ClaimChannel}, {payload})", ct);
        }
    }

    private void Notify(DbContext context)
    {
        if (Notices(context) is { } notices)
        {
            foreach (var payload in notices)
                context.Database.ExecuteSql($"SELECT pg_notify({ChangeNoticeListener.ClaimChannel}, {payload})");
        }
    }

    private IEnumerable<string>? Notices(DbContext context) =>
        versions.NeedsNotices && context is VerificationDb { Provider: DatabaseProvider.PostgreSql } && _units.TryGetValue(context, out var unit)
            ? unit.Announced.Chunk(200).Select(chunk => string.Join(',', chunk.Select(id => id.ToString("D"))))
            : null;
}
