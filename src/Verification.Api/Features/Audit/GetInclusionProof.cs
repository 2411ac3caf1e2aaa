using FluentValidation;
using Mediator;
using Verification.Api.Infrastructure.Integrity;
using Verification.Domain.Audit;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Audit;

/// <summary>
/// <c>GET /audit/proofs/inclusion?sequence=&amp;treeSize=</c> (RFC 9162 §2.1.3): the audit path that ties one entry to the
/// root of the tree of <c>treeSize</c> entries, which a signed head of that size signed. Without <c>treeSize</c>, the
/// newest signed head's size.
/// </summary>
public static class GetInclusionProof
{
    public sealed record Query(long Sequence, long? TreeSize) : IQuery<Result>;

    public sealed record Result(long Sequence, long LeafIndex, long TreeSize, string LeafHash, IReadOnlyList<string> AuditPath);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Sequence).GreaterThanOrEqualTo(1);
            RuleFor(q => q.TreeSize).GreaterThanOrEqualTo(q => q.Sequence).When(q => q.TreeSize is not null)
                .WithMessage("treeSize must be at least the sequence: an entry lies only in trees that contain it.");
        }
    }

    internal sealed class Handler(VerificationDb db, ITreeHeads heads) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var size = query.TreeSize ?? (await heads.LatestAsync(cancellationToken))?.TreeSize
                ?? throw new InvariantViolation("treeSize", "No tree head is signed yet; name a treeSize.");
            if (size < query.Sequence)
                throw new InvariantViolation("treeSize", $"The newest signed head covers {size} entries, not entry {query.Sequence}; wait for the next head.");
            var (sequences, leaves) = await AuditLeaves.LoadAsync(db, size, "treeSize", cancellationToken);
            var index = sequences.BinarySearch(query.Sequence);
            if (index < 0)
                throw new InvariantViolation("sequence", $"There is no audit entry {query.Sequence} in the tree of {size}.");
            var path = MerkleTree.InclusionProof(leaves, index, size);
            return new Result(query.Sequence, index, size, Convert.ToHexStringLower(leaves[index]), [.. path.Select(Convert.ToHexStringLower)]);
        }
    }
}
