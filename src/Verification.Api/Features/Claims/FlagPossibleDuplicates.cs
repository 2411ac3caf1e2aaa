using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

/// <summary>
/// The recurring duplicate screening: every Submitted or InCorroboration claim is compared with the other claims of
/// its country still on the record (DuplicateScreening says when two look alike), and each new likely pair is
/// flagged for the reviewer. Stages never change here; rejecting a duplicate stays a reviewer's triage decision.
/// The comparison runs outside any transaction: on SQLite a transaction holds the database's only write lock, and
/// screening thousands of claims inside one held every submission and review back for as long as it took (the
/// benchmark's submissions stalled whenever the job ran). Only the new pairs are then written, with their audit
/// entry, in one short transaction (<see cref="RecordPossibleDuplicates"/>).
/// </summary>
public static class FlagPossibleDuplicates
{
    public sealed record Command : ICommand<Result>, IOwnsTransactions;

    public sealed record Result(int Screened, int Flagged) : IMaybeUnchanged
    {
        public bool Unchanged => Flagged == 0;
    }

    internal sealed class Handler(VerificationDb db, ISender sender, ILogger<Handler> logger) : ICommandHandler<Command, Result>
    {
        private static readonly ClaimStage[] Screened = [.. Enum.GetValues<ClaimStage>().Where(DuplicateScreening.IsScreened)];
        private static readonly ClaimStage[] Comparable = [.. Enum.GetValues<ClaimStage>().Where(DuplicateScreening.IsComparable)];

        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var open = await Project(db.Claims.Where(c => Screened.Contains(c.Stage))).ToListAsync(cancellationToken);
            if (open.Count == 0)
                return new Result(0, 0);

            // Only the countries and the time span of open claims can hold their duplicates.
            var countries = open.Select(c => c.CountryCode).Distinct().ToList();
            var earliest = open.Min(c => c.StartDate);
            var candidates = await Project(db.Claims.Where(c => Comparable.Contains(c.Stage)
                    && countries.Contains(c.Location.CountryCode) && c.Incident.EndDate >= earliest))
                .ToListAsync(cancellationToken);
            var flagged = await RecordPossibleDuplicates.FlaggedPairsAsync(db, [.. open.Select(c => c.Id)], cancellationToken);

            var byCountry = candidates.ToLookup(c => c.CountryCode);
            var pairs = new List<(ScreenedClaim Claim, ScreenedClaim Other)>();
            foreach (var claim in open)
            {
                foreach (var other in byCountry[claim.CountryCode])
                {
                    if (flagged.Contains((claim.Id, other.Id)) || DuplicateScreening.Compare(claim, other) is null)
                        continue;
                    pairs.Add((claim, other));
                    flagged.Add((claim.Id, other.Id));
                }
            }
            var added = pairs.Count == 0 ? 0 : (await sender.Send(new RecordPossibleDuplicates.Command(pairs), cancellationToken)).Flagged;
            if (added > 0)
                logger.LogInformation("Duplicate screening flagged {Count} likely duplicate pairs among {Screened} open claims", added, open.Count);
            return new Result(open.Count, added);
        }

        private static IQueryable<ScreenedClaim> Project(IQueryable<Claim> claims) =>
            claims.AsNoTracking().Select(c => new ScreenedClaim(c.Id, c.Stage, c.Location.CountryCode, c.Incident.StartDate,
                c.Incident.EndDate, c.Location.PlaceName, c.Location.Latitude, c.Location.Longitude, c.Perpetrators));
    }
}
