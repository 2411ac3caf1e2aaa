using Mediator;
using Verification.Api.Infrastructure.Integrity;

namespace Verification.Api.Features.Audit;

/// <summary><c>GET /audit/head</c>: the newest signed tree head, for anyone to keep and check later.</summary>
public static class GetSignedTreeHead
{
    public sealed record Query : IQuery<SignedTreeHead?>;

    internal sealed class Handler(ITreeHeads heads) : IQueryHandler<Query, SignedTreeHead?>
    {
        public async ValueTask<SignedTreeHead?> Handle(Query query, CancellationToken cancellationToken) =>
            await heads.LatestAsync(cancellationToken);
    }
}
