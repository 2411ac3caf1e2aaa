using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Storage;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.Maintenance;

/// <summary>
/// Removes what has outlived its purpose: idempotency records past their 24 hours, used refresh tokens past their expiry
/// (an expired token is refused before its row is looked for), temporary upload files of crashed uploads.
/// </summary>
public static class SweepExpired
{
    public sealed record Command : ICommand<Result>, INotAudited;

    public sealed record Result(int IdempotencyRecords, int ConsumedRefreshTokens);

    internal sealed class Handler(VerificationDb db, EvidenceStore store, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var removed = await db.IdempotencyRecords.Where(r => r.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
            var tokens = await db.ConsumedRefreshTokens.Where(t => t.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
            await store.SweepTemporaryFilesAsync();
            return new Result(removed, tokens);
        }
    }
}
