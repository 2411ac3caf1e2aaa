using FluentValidation;
using Mediator;
using Verification.Api.Infrastructure.Integrity;
using Verification.Domain.Audit;
using Verification.Persistence;

namespace Verification.Api.Features.Audit;

/// <summary>
/// <c>GET /audit/proofs/consistency?from=&amp;to=</c> (RFC 9162 §2.1.4): the proof that the tree of <c>to</c> entries
/// extends the tree of <c>from</c> entries, so whoever kept an older head can check that nothing it covered changed.
/// </summary>
public static class GetConsistencyProof
{
    public sealed record Query(long From, long To) : IQuery<Result>;

    public sealed record Result(long From, long To, IReadOnlyList<string> Proof);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.From).GreaterThanOrEqualTo(0);
            RuleFor(q => q.To).GreaterThanOrEqualTo(q => q.From).WithMessage("to must be at least from.");
        }
    }

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var (_, leaves) = await AuditLeaves.LoadAsync(db, query.To, "to", cancellationToken);
            var proof = MerkleTree.ConsistencyProof(leaves, query.From, query.To);
            return new Result(query.From, query.To, [.. proof.Select(Convert.ToHexStringLower)]);
        }
    }
}
