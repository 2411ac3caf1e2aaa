using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Search;
using Verification.Api.Pipeline;
using Verification.Persistence;
using Verification.Persistence.Search;

namespace Verification.Api.Features.Search;

/// <summary>
/// Fills in the search text of claims that have none, or one of an older <see cref="ClaimSearchDocument.CurrentVersion"/>:
/// the claims that existed before the search migration, or after a change of the folding rules. Every write keeps the
/// text current by itself (<see cref="ClaimSearchProjection"/>), so this finds nothing to do in normal running. It works
/// in batches, each in a short transaction of its own, oldest claims first, and stops after <see cref="Command.MaxClaims"/>
/// (the next run goes on where it stopped).
/// </summary>
public static class RebuildClaimSearch
{
    public sealed record Command(int MaxClaims = 2_000_000, int BatchSize = 500) : ICommand<Result>, IOwnsTransactions;

    public sealed record Result(int Indexed);

    internal sealed class Handler(VerificationDb db, ILogger<Command> logger) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var indexed = 0;
            var documents = db.Set<ClaimSearchDocument>();
            // Walks the claims once, by number: each batch starts after the last one seen.
            var after = 0L;
            while (indexed < command.MaxClaims)
            {
                var rows = await db.Claims.AsNoTracking()
                    .Where(c => c.Number > after && !documents.Any(d => d.ClaimId == c.Id && d.Version == ClaimSearchDocument.CurrentVersion))
                    .OrderBy(c => c.Number)
                    .Select(c => new { c.Id, c.Number })
                    .Take(command.BatchSize)
                    .ToListAsync(cancellationToken);
                if (rows.Count == 0)
                    break;
                after = rows[^1].Number;
                var batch = rows.ConvertAll(r => r.Id);
                await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
                {
                    await ClaimSearchProjection.ProjectAsync(db, batch, cancellationToken);
                    await db.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }
                db.ChangeTracker.Clear();
                indexed += batch.Count;
            }
            if (indexed > 0)
                logger.LogInformation("Search text written for {Count} claims", indexed);
            return new Result(indexed);
        }
    }
}
