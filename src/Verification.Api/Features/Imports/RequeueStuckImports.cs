using Hangfire;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Imports;
using Verification.Persistence;

namespace Verification.Api.Features.Imports;

/// <summary>
/// The upload commits the import (Queued) and only then queues its job, so a process that dies between the two leaves
/// an import that no job will ever run: Queued for good. This sweep (a recurring job) queues the run again for an
/// import that has been Queued longer than Imports:RequeueQueuedAfterSeconds and has no job waiting, scheduled or
/// running in Hangfire. Queuing twice is harmless: a run of a finished import returns at once, and of two runs of one
/// import at the same time the one that commits a batch second stops and leaves the import to the other (RunImport).
/// </summary>
public static class RequeueStuckImports
{
    /// <summary>Reads only, and queues jobs outside the database: no transaction of its own, and no audit entry (the run that follows has its entries).</summary>
    public sealed record Command : ICommand<Result>, IOwnsTransactions;

    public sealed record Result(IReadOnlyList<Guid> Requeued);

    /// <summary>Imports looked at per sweep: a backlog larger than this is worked through over the following sweeps.</summary>
    private const int MaxPerSweep = 100;

    internal sealed class Handler(VerificationDb db, IBackgroundJobClient jobs, PendingJobs pending, ImportSettings settings, TimeProvider clock,
        ILogger<Command> logger) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var queuedBefore = clock.GetUtcNow().UtcDateTime.AddSeconds(-settings.RequeueQueuedAfterSeconds);
            var stuck = await db.Imports.AsNoTracking()
                .Where(i => i.Status == ImportStatus.Queued && i.CreatedAt <= queuedBefore)
                .OrderBy(i => i.CreatedAt)
                .Select(i => new { i.Id, i.CreatedBy })
                .Take(MaxPerSweep)
                .ToListAsync(cancellationToken);
            if (stuck.Count == 0)
                return new Result([]);

            var waiting = pending.Of<RunImport.Command>().Select(j => j.Command.ImportId).ToHashSet();
            var requeued = new List<Guid>();
            foreach (var import in stuck.Where(i => !waiting.Contains(i.Id)))
            {
                // As the importer, with the roles they hold now, exactly as the upload would have queued it.
                var roles = await db.UserRoles.Where(r => r.UserId == import.CreatedBy)
                    .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!)
                    .ToArrayAsync(cancellationToken);
                jobs.EnqueueCommand(new RunImport.Command(import.Id), new JobActor(import.CreatedBy, roles));
                logger.LogWarning("Import {ImportId} was Queued with no job (the upload's process stopped before queuing it); its run is queued now", import.Id);
                requeued.Add(import.Id);
            }
            return new Result(requeued);
        }
    }
}
