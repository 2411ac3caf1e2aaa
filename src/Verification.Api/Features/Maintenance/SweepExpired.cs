using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Operations;
using Verification.Api.Infrastructure.Storage;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.Maintenance;

/// <summary>
/// Removes what has outlived its purpose: idempotency records past their 24 hours, used refresh tokens past their expiry
/// (an expired token is refused before its row is looked for), temporary upload files of crashed uploads, and stored
/// files that no evidence item or import names once they are older than Evidence:OrphanGraceMinutes (a process killed
/// between placing the bytes and committing the row leaves one; an upload in progress is still in .tmp and the grace
/// period covers the moment between placing and committing).
/// </summary>
public static class SweepExpired
{
    public sealed record Command : ICommand<Result>, INotAudited;

    public sealed record Result(int IdempotencyRecords, int ConsumedRefreshTokens, int OrphanedFiles = 0);

    internal sealed class Handler(VerificationDb db, EvidenceStore store, TimeProvider clock, IConfiguration configuration,
        VerificationMetrics metrics, ILogger<Command> logger) : ICommandHandler<Command, Result>
    {
        private const int ChunkSize = 500;

        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var removed = await db.IdempotencyRecords.Where(r => r.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
            var tokens = await db.ConsumedRefreshTokens.Where(t => t.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
            await store.SweepTemporaryFilesAsync();
            return new Result(removed, tokens, await SweepOrphansAsync(cancellationToken));
        }

        private async Task<int> SweepOrphansAsync(CancellationToken cancellationToken)
        {
            var grace = TimeSpan.FromMinutes(configuration.GetValue("Evidence:OrphanGraceMinutes", 60.0));
            var before = DateTime.UtcNow - grace; // file times are the file system's clock (see EvidenceStore)
            var removed = 0;
            foreach (var chunk in store.StoredBefore(before).Chunk(ChunkSize))
            {
                var named = (await db.Evidence.Where(e => e.HasContent && chunk.Contains(e.Sha256)).Select(e => e.Sha256).ToListAsync(cancellationToken))
                    .Concat(await db.Imports.Where(i => chunk.Contains(i.FileSha256)).Select(i => i.FileSha256).ToListAsync(cancellationToken))
                    .ToHashSet(StringComparer.Ordinal);
                removed += chunk.Where(sha => !named.Contains(sha)).Count(sha => store.RemoveOrphan(sha, before));
            }
            if (removed > 0)
            {
                metrics.OrphansRemoved(removed);
                // Counts only: a hash would tie the line to custody data.
                logger.LogWarning("Removed {Count} stored evidence files that no evidence item or import names (older than {GraceMinutes} minutes)",
                    removed, grace.TotalMinutes);
            }
            return removed;
        }
    }
}
