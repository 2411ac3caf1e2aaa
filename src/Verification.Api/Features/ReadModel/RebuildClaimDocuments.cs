using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.ReadModel;

/// <summary>
/// Regenerates claim documents from the write side, <see cref="ClaimDocumentBuilder.Batch"/> claims per transaction in
/// claim-number order: every claim's (<c>MissingOnly: false</c>) or only those that have none (the backfill after the
/// migration). A document that already matches is left as it is. Writes nothing the audit chain covers, so the run
/// itself is not audited; the coordinator's request for it is (<see cref="RebuildReadModel"/>).
/// </summary>
public static class RebuildClaimDocuments
{
    public sealed record Command(bool MissingOnly) : ICommand<Result>, IOwnsTransactions;

    public sealed record Result(int Claims, int Written);

    internal sealed class Handler(VerificationDb db, ISender sender, ILogger<Handler> logger) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var after = long.MinValue;
            int claims = 0, written = 0;
            while (true)
            {
                var claimsQuery = db.Claims.AsNoTracking().Where(c => c.Number > after);
                if (command.MissingOnly)
                    claimsQuery = claimsQuery.Where(c => !db.ClaimDocuments.Any(d => d.ClaimId == c.Id));
                var batch = await claimsQuery.OrderBy(c => c.Number).Take(ClaimDocumentBuilder.Batch)
                    .Select(c => new { c.Id, c.Number }).ToListAsync(cancellationToken);
                if (batch.Count == 0)
                    break;
                var ids = batch.Select(b => b.Id).ToArray();
                written += await WriteAsync(ids, cancellationToken);
                claims += ids.Length;
                after = batch[^1].Number;
            }
            logger.LogInformation("Claim documents rebuilt: {Claims} claims read, {Written} documents written", claims, written);
            return new Result(claims, written);
        }

        private async Task<int> WriteAsync(Guid[] ids, CancellationToken cancellationToken)
        {
            try
            {
                return (await sender.Send(new WriteClaimDocuments.Command(ids), cancellationToken)).Written;
            }
            catch (DbUpdateException)
            {
                // A command wrote one of these documents at the same moment (both inserted it): read again and retry once.
                db.ChangeTracker.Clear();
                return (await sender.Send(new WriteClaimDocuments.Command(ids), cancellationToken)).Written;
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}
