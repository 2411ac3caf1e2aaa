using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Pipeline;
using Verification.Domain.Audit;
using Verification.Persistence;

namespace Verification.Api.Features.Audit;

/// <summary>
/// The recurring walk of the whole audit chain. Its result is stored (one row every instance reads) for
/// /health/ready and /metrics; a broken chain is logged as an error, since someone changed history.
/// </summary>
public static class CheckAuditChain
{
    public sealed record Command : ICommand<Result>, IOwnsTransactions;

    public sealed record Result(bool Valid, long Checked, Guid? FirstInvalidEntryId);

    internal sealed class Handler(VerificationDb db, TimeProvider clock, ILogger<Handler> logger) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            // Streamed outside any transaction: constant memory, and writers carry on while the chain is read.
            var verifier = new AuditChainVerifier();
            await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(a => a.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                if (!verifier.Accept(entry))
                    break;
            }
            var result = verifier.Result;
            if (!result.Valid)
                logger.LogError("The audit chain is broken at entry {EntryId} (sequence {Sequence}) after {Checked} valid entries: history was changed",
                    result.FirstInvalidEntryId, result.FirstInvalidSequence, result.Checked);

            var check = await db.OperationalChecks.FirstOrDefaultAsync(c => c.Name == OperationalCheck.AuditChain, cancellationToken);
            if (check is null)
            {
                check = new OperationalCheck(OperationalCheck.AuditChain);
                db.OperationalChecks.Add(check);
            }
            check.Record(clock.GetUtcNow().UtcDateTime, result.Checked, result.Valid ? 0 : 1, result.FirstInvalidEntryId);
            await db.SaveChangesAsync(cancellationToken);
            return new Result(result.Valid, result.Checked, result.FirstInvalidEntryId);
        }
    }
}
