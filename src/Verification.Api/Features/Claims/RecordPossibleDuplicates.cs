using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

/// <summary>
/// Writes the pairs a screening found, in one transaction with its audit entry. The screening read the claims before
/// this transaction began, so a pair flagged meanwhile (two screenings overlapping) or a claim whose stage has moved on
/// since (triaged, withdrawn) is skipped here rather than failing the whole batch.
/// </summary>
public static class RecordPossibleDuplicates
{
    public sealed record Command(IReadOnlyList<(ScreenedClaim Claim, ScreenedClaim Other)> Pairs) : ICommand<Result>;

    public sealed record Result(int Flagged) : IMaybeUnchanged
    {
        public bool Unchanged => Flagged == 0;
    }

    /// <summary>The pairs already flagged for these claims, as (claim, other claim).</summary>
    internal static async Task<HashSet<(Guid ClaimId, Guid OtherClaimId)>> FlaggedPairsAsync(VerificationDb db, List<Guid> claimIds, CancellationToken ct) =>
        (await db.PossibleDuplicates.Where(d => claimIds.Contains(d.ClaimId))
            .Select(d => new { d.ClaimId, d.OtherClaimId }).ToListAsync(ct))
        .Select(d => (d.ClaimId, d.OtherClaimId)).ToHashSet();

    internal sealed class Handler(VerificationDb db, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var existing = await FlaggedPairsAsync(db, [.. command.Pairs.Select(p => p.Claim.Id).Distinct()], cancellationToken);
            var involved = command.Pairs.SelectMany(p => new[] { p.Claim.Id, p.Other.Id }).Distinct().ToList();
            var stageNow = await db.Claims.Where(c => involved.Contains(c.Id)).Select(c => new { c.Id, c.Stage })
                .ToDictionaryAsync(c => c.Id, c => c.Stage, cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            var added = 0;
            foreach (var (claim, other) in command.Pairs)
            {
                if (!stageNow.TryGetValue(claim.Id, out var claimStage) || !stageNow.TryGetValue(other.Id, out var otherStage)
                    || !DuplicateScreening.IsScreened(claimStage) || !DuplicateScreening.IsComparable(otherStage)
                    || !existing.Add((claim.Id, other.Id)))
                    continue;
                db.PossibleDuplicates.Add(PossibleDuplicate.Flag(claim with { Stage = claimStage }, other with { Stage = otherStage }, now));
                added++;
            }
            return new Result(added);
        }
    }
}
