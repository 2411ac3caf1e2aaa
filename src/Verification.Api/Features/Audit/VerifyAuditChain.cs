using Mediator;
using Verification.Api.Infrastructure.Integrity;

namespace Verification.Api.Features.Audit;

/// <summary>
/// <c>GET /audit/verify</c>: the chain, the chain against every head the instance signed, and with <c>records=true</c>
/// every claim and evidence item against the state its latest audit entry recorded (<see cref="AuditVerifier"/>).
/// </summary>
public static class VerifyAuditChain
{
    public sealed record Query(bool Records) : IQuery<Result>;

    public sealed record Result(bool Valid, long Checked, Guid? FirstInvalidEntryId, long? FirstInvalidSequence, HeadsCheck Heads,
        RecordsCheck? Records);

    internal sealed class Handler(AuditVerifier verifier) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var v = await verifier.VerifyAsync(query.Records, cancellationToken);
            return new Result(v.Valid, v.Checked, v.FirstInvalidEntryId, v.FirstInvalidSequence, v.Heads, v.Records);
        }
    }
}
