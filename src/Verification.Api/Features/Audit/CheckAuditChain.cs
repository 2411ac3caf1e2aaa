using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Integrity;
using Verification.Api.Infrastructure.Operations;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.Audit;

/// <summary>
/// The recurring integrity check: the chain, the chain against every signed head, and every claim and evidence item
/// against its latest audit entry (<see cref="AuditVerifier"/>, as <c>GET /audit/verify?records=true</c>). Its result is
/// stored (one row every instance reads) for /health/ready and /metrics; a failure is logged as an error and counted,
/// since someone changed history or records behind the API's back.
/// </summary>
public static class CheckAuditChain
{
    public sealed record Command : ICommand<Result>, IOwnsTransactions;

    public sealed record Result(bool Valid, long Checked, Guid? FirstInvalidEntryId, HeadsCheck Heads, RecordsCheck? Records);

    internal sealed class Handler(VerificationDb db, AuditVerifier verifier, VerificationMetrics metrics, TimeProvider clock, ILogger<Handler> logger,
        ReadModel.ClaimDocumentCheck documents)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            // Read outside any transaction: constant memory for the chain, and writers carry on while it is read.
            var v = await verifier.VerifyAsync(records: true, cancellationToken);
            if (v.FirstInvalidEntryId is not null)
                logger.LogError("The audit chain is broken at entry {EntryId} (sequence {Sequence}) after {Checked} valid entries: history was changed",
                    v.FirstInvalidEntryId, v.FirstInvalidSequence, v.Checked);
            if (v.Heads.FirstInconsistentTreeSize is { } size)
                logger.LogError("The audit chain no longer matches the tree head of size {TreeSize} this instance signed: history was truncated, " +
                    "rewritten or re-hashed", size);
            if (v.Records?.FirstMismatch is { } record)
                logger.LogError("{RecordType} {RecordId} differs from the state its latest audit entry recorded: it was changed behind the API's back",
                    record.Type, record.Id);
            if (!v.Valid)
                metrics.AuditVerificationFailed();

            var check = await db.OperationalChecks.FirstOrDefaultAsync(c => c.Name == OperationalCheck.AuditChain, cancellationToken);
            if (check is null)
            {
                check = new OperationalCheck(OperationalCheck.AuditChain);
                db.OperationalChecks.Add(check);
            }
            check.Record(clock.GetUtcNow().UtcDateTime, v.Checked, v.Valid ? 0 : 1, v.FirstInvalidEntryId ?? v.Records?.FirstMismatch?.Id);
            await db.SaveChangesAsync(cancellationToken);
            // The read side: a sample of stored claim documents against a fresh projection (its own finding and metric).
            await documents.RunAsync(cancellationToken);
            return new Result(v.Valid, v.Checked, v.FirstInvalidEntryId, v.Heads, v.Records);
        }
    }
}
