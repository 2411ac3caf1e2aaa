using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Verification.Api.Infrastructure.Integrity;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Infrastructure.Persistence.Bulk;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Domain.Evidence;
using Verification.Domain.Verdicts;
using Verification.Persistence;

namespace Verification.Api.Pipeline;

/// <summary>
/// Appends one entry to the audit hash chain for every command that succeeds, inside the command's transaction,
/// so a change and its audit entry exist together or not at all. Handlers never write audit entries themselves.
/// <para>
/// The entry also covers the records the command produced: every claim and evidence item that the change tracker
/// saw added or modified (a verdict proposal counts for its claim) gets its state digest, read back from the rows as
/// saved (<see cref="RecordStates"/>). New commands are covered without doing anything.
/// </para>
/// <para>
/// The derived projections (<see cref="IClaimProjection"/>) run after the entry is added, still inside the command's
/// transaction, so the documents commit with the change or not at all; they and the record states are computed from one
/// read of the touched claims (<see cref="ClaimSnapshot"/>).
/// </para>
/// </summary>
public sealed class AuditBehaviour<TMessage, TResponse>(AuditTrail trail, ICurrentUser user, VerificationDb db,
    ClaimProjectionRunner projections, IBulkWriter bulkWriter)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    // Queries and unaudited commands go straight on, without an async state machine (see AuthorizationBehaviour).
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken) =>
        message is not IBaseCommand || message is INotAudited
            ? next(message, cancellationToken)
            : AuditedAsync(message, next, cancellationToken);

    private async ValueTask<TResponse> AuditedAsync(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        var touched = new TouchedRecords();
        EventHandler<SavingChangesEventArgs> collect = (_, _) => touched.Collect(db);
        db.SavingChanges += collect;
        TResponse response;
        try
        {
            response = await next(message, cancellationToken);
        }
        finally
        {
            db.SavingChanges -= collect;
        }
        if (response is IMaybeUnchanged { Unchanged: true })
            return response;

        // Everything below fails the command as a whole if it fails (nothing catches and goes on in this transaction),
        // so EF Core's automatic savepoint around each save (a SAVEPOINT and a RELEASE per save) buys nothing here.
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            await AuditAndProjectAsync(message, response, touched, cancellationToken);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
        }
        return response;
    }

    private async Task AuditAndProjectAsync(TMessage message, TResponse response, TouchedRecords touched, CancellationToken cancellationToken)
    {
        // Whatever the handler left unsaved is saved now, so the states are read as the rows will be committed.
        touched.Collect(db);
        var bulk = response as IClaimsWrittenInBulk;
        if (bulk is not null)
            touched.AddCreatedInBulk(bulk.ClaimsWrittenInBulk);
        // Evidence written without the change tracker would not be seen as touched: with bulk writes, always read it.
        var evidenceTouched = touched.Evidence.Count > 0 || bulk is { ClaimsWrittenInBulk.Count: > 0 };
        // Claims this command inserted through the change tracker stand in for their own read-back (ClaimSnapshot.
        // StandsInForItsRow): a submission reads nothing back. When nothing else is read, the save waits for the audit
        // entry's, so the claim and everything derived from it go out in one save (on SQLite, inside the writer gate).
        var inserted = evidenceTouched ? null : touched.InsertedStandingInForRows();
        var readsBack = touched.ProjectedClaims.Any(id => inserted is null || !inserted.ContainsKey(id));
        if (readsBack && db.ChangeTracker.HasChanges())
            await db.SaveChangesAsync(cancellationToken);

        // One read of the touched claims as saved: the record states, the stored documents and the search text all come
        // from it, so the audit entry's digests describe exactly the rows the projections were built from.
        var snapshot = touched.ProjectedClaims.Count == 0 ? null
            : await ClaimSnapshot.LoadAsync(db, touched.ProjectedClaims, touched.Created, evidenceTouched,
                // Claims inserted through the tracker, or by the bulk writer, exactly as they are in memory are not read back.
                [.. inserted?.Values ?? Enumerable.Empty<Claim>(), .. bulk?.ClaimsAsStored ?? []],
                bulk?.FoldedSearchDocuments ?? new Dictionary<Guid, Persistence.Search.ClaimSearchDocument>(), cancellationToken);
        var states = snapshot is null ? [] : RecordStates.Compute(snapshot, touched.Claims, touched.Evidence);

        IReadOnlyList<(string? TargetId, string ChangeDigest)> changes;
        if (response is IAuditChanges many)
        {
            changes = [.. many.AuditChanges.Select(c => ((string?)c.TargetId, c.ChangeDigest ?? AuditDigest.Of(c.Change)))];
        }
        else
        {
            var target = response switch
            {
                IAuditTarget t => t.AuditTargetId,
                _ => message switch
                {
                    IClaimCommand c => c.ClaimId.ToString(),
                    IEvidenceCommand e => e.EvidenceId.ToString(),
                    _ => null,
                },
            };
            changes = [(target, AuditDigest.Of(message))];
        }
        // The entry is added to the context; the projections' rows go out with it in one save.
        await trail.AppendManyAsync(user.AuditName, ActionName(message.GetType()), changes, states, cancellationToken, save: false);
        if (snapshot is not null && projections.Any)
        {
            // The projections' new rows of claims written in bulk go out through the bulk writer too, in this transaction.
            if (bulk is { ClaimsWrittenInBulk.Count: > 0 })
            {
                var written = bulk.ClaimsWrittenInBulk.ToHashSet();
                written.IntersectWith(snapshot.Created);
                snapshot.NewRowsInBulk = new BulkProjectedRows(written);
            }
            await projections.RunAsync(db, snapshot, cancellationToken);
            if (snapshot.NewRowsInBulk is { } newRows)
                await newRows.WriteAsync(db, bulkWriter, cancellationToken);
        }
        if (db.ChangeTracker.HasChanges())
            await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The claims and evidence items a command added or modified, gathered before each save.</summary>
    private sealed class TouchedRecords
    {
        public HashSet<Guid> Claims { get; } = [];
        public HashSet<Guid> Evidence { get; } = [];

        /// <summary>The claims this unit of work inserted (seen as added before a save).</summary>
        public HashSet<Guid> Created { get; } = [];

        /// <summary>
        /// The change tracker entries of the <see cref="Created"/> claims inserted through the tracker (not in bulk), kept
        /// from the walk over the tracker: asking the context for an entry again (DbContext.Entry) runs change detection
        /// on it once more.
        /// </summary>
        private Dictionary<Guid, EntityEntry> Inserted { get; } = [];

        /// <summary>The inserted claims whose tracked object is what their row holds (<see cref="ClaimSnapshot.StandsInForItsRow"/>).</summary>
        public Dictionary<Guid, Claim>? InsertedStandingInForRows()
        {
            Dictionary<Guid, Claim>? standing = null;
            foreach (var (id, entry) in Inserted)
            {
                if (ClaimSnapshot.StandsInForItsRow(entry))
                    (standing ??= [])[id] = (Claim)entry.Entity;
            }
            return standing;
        }

        /// <summary>The claims whose derived projections must change: those touched and those of touched evidence.</summary>
        public HashSet<Guid> ProjectedClaims { get; } = [];

        /// <summary>Claims a command inserted without the change tracker (the bulk writer only inserts).</summary>
        public void AddCreatedInBulk(IEnumerable<Guid> claimIds)
        {
            foreach (var id in claimIds)
            {
                Created.Add(id);
                Claims.Add(id);
                ProjectedClaims.Add(id);
            }
        }

        public void Collect(VerificationDb db)
        {
            foreach (var entry in db.ChangeTracker.Entries())
            {
                if (entry.State is not (EntityState.Added or EntityState.Modified))
                    continue;
                switch (entry.Entity)
                {
                    case Claim claim:
                        if (entry.State == EntityState.Added)
                        {
                            Created.Add(claim.Id);
                            Inserted[claim.Id] = entry;
                        }
                        Claims.Add(claim.Id);
                        ProjectedClaims.Add(claim.Id);
                        break;
                    case VerdictProposal proposal:
                        Claims.Add(proposal.ClaimId);
                        ProjectedClaims.Add(proposal.ClaimId);
                        break;
                    case ClaimAssignment assignment:
                        Claims.Add(assignment.ClaimId);
                        ProjectedClaims.Add(assignment.ClaimId);
                        break;
                    case EvidenceItem item:
                        Evidence.Add(item.Id);
                        ProjectedClaims.Add(item.ClaimId);
                        break;
                }
            }
        }
    }

    /// <summary>The use case's name: the static class that holds the command, e.g. SubmitClaim.</summary>
    private static string ActionName(MemberInfo commandType) => commandType.DeclaringType?.Name ?? commandType.Name;
}

/// <summary>
/// The digest of what a command asked for, as an audit entry records it: the object as JSON (web defaults, enums by
/// name, <see cref="NotAuditedAttribute"/> properties left out), hashed with SHA-256. One set of serializer options for
/// every command type (the behaviour is generic, and a static field of it would be one per command).
/// </summary>
public static class AuditDigest
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                static info =>
                {
                    foreach (var property in info.Properties)
                    {
                        if (property.AttributeProvider?.IsDefined(typeof(NotAuditedAttribute), true) == true)
                            property.ShouldSerialize = static (_, _) => false;
                    }
                },
            },
        },
    };

    /// <remarks>
    /// Serialized straight to UTF-8, the bytes the JSON text's UTF-8 encoding would give: the text as a string and its
    /// re-encoding were a tenth of an import's allocations (sqliteimport12).
    /// </remarks>
    public static string Of(object change) =>
        Hashing.Sha256Hex(JsonSerializer.SerializeToUtf8Bytes(change, change.GetType(), Options));
}
