using Mediator;
using Verification.Api.Infrastructure.Keys;

namespace Verification.Api.Features.Audit;

/// <summary><c>GET /audit/keys</c>: the public keys that verify this instance's heads and manifests, retired ones included.</summary>
public static class ListSigningKeys
{
    public sealed record Query : IQuery<Result>;

    public sealed record Result(IReadOnlyList<PublishedKey> Keys);

    internal sealed class Handler(IInstanceSigner signer) : IQueryHandler<Query, Result>
    {
        public ValueTask<Result> Handle(Query query, CancellationToken cancellationToken) => ValueTask.FromResult(new Result(signer.PublishedKeys));
    }
}
