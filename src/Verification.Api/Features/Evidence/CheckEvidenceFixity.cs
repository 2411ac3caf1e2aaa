using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Operations;
using Verification.Api.Infrastructure.Storage;
using Verification.Api.Pipeline;
using Verification.Domain.Evidence;
using Verification.Persistence;

namespace Verification.Api.Features.Evidence;

/// <summary>
/// Rolling fixity checks: each run re-hashes a batch of the least recently checked evidence items, up to a count
/// and a byte budget, so the whole store is covered over successive runs without reading all of it at once. Each
/// check is a custody event; a missing or changed file is logged as an error, counted in /metrics and turns
/// /health/ready to Degraded until a later check finds the bytes intact again.
/// </summary>
public static class CheckEvidenceFixity
{
    public sealed record Command(int BatchSize, long ByteBudget) : ICommand<Result>, IOwnsTransactions;

    public sealed record Result(int Checked, int Failed, long BytesRead, long FailingNow);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.BatchSize).InclusiveBetween(1, 10_000);
            RuleFor(c => c.ByteBudget).GreaterThan(0);
        }
    }

    internal sealed class Handler(VerificationDb db, EvidenceStore store, TimeProvider clock, VerificationMetrics metrics, ILogger<Handler> logger)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var batch = await db.Evidence.OrderBy(e => e.LastFixityCheckAt).ThenBy(e => e.Id)
                .Take(command.BatchSize).ToListAsync(cancellationToken);
            int checkedCount = 0, failed = 0;
            long bytesRead = 0;
            foreach (var item in batch)
            {
                // The budget bounds one run's reading; the item that crosses it is still checked whole.
                if (bytesRead >= command.ByteBudget)
                    break;
                string? observed = null;
                if (item.HasContent)
                {
                    observed = await store.HashAsync(item.Sha256, cancellationToken);
                    bytesRead += item.SizeBytes;
                }
                // Hashing happens outside any transaction; only the short save below writes.
                db.CustodyEvents.Add(item.CheckFixity(observed, clock.GetUtcNow().UtcDateTime));
                checkedCount++;
                if (item.FixityFailed)
                {
                    failed++;
                    metrics.FixityFailed();
                    logger.LogError("Fixity check failed for evidence {EvidenceId}: {Problem}", item.Id,
                        observed is null ? "its bytes are missing from the store" : "its bytes no longer match the SHA-256 taken at intake");
                }
            }
            await db.SaveChangesAsync(cancellationToken);

            var failingCount = await db.Evidence.LongCountAsync(e => e.FixityFailed, cancellationToken);
            var firstFailing = failingCount == 0 ? null
                : await db.Evidence.Where(e => e.FixityFailed).OrderBy(e => e.Id).Select(e => (Guid?)e.Id).FirstAsync(cancellationToken);
            var check = await db.OperationalChecks.FirstOrDefaultAsync(c => c.Name == OperationalCheck.EvidenceFixity, cancellationToken);
            if (check is null)
            {
                check = new OperationalCheck(OperationalCheck.EvidenceFixity);
                db.OperationalChecks.Add(check);
            }
            check.Record(clock.GetUtcNow().UtcDateTime, checkedCount, failingCount, firstFailing);
            await db.SaveChangesAsync(cancellationToken);
            return new Result(checkedCount, failed, bytesRead, failingCount);
        }
    }
}
