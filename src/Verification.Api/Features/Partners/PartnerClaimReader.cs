using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Domain.Claims;
using Verification.Domain.Evidence;
using Verification.Domain.Partners;
using Verification.Domain.Verdicts;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary>
/// The one way partner-facing code reads claims: decided claims only, in the partner order (last updated, then number),
/// shaped for the caller's sharing level. Lists, single reads, exports and webhook bodies all come through here, so the
/// redaction rules live in one place.
/// </summary>
public sealed class PartnerClaimReader(VerificationDb db)
{
    public async Task<Page<PartnerClaim>> PageAsync(IPartnerClaimFilter filter, SharingLevel level, int limit, string? cursor, CancellationToken ct)
    {
        var claims = Decided(filter);
        if (PartnerCursor.TryDecode(cursor, out var after))
            claims = claims.Where(c => c.UpdatedAt > after.UpdatedAt || c.UpdatedAt == after.UpdatedAt && c.Number > after.Number);
        var rows = await Project(claims.OrderBy(c => c.UpdatedAt).ThenBy(c => c.Number).Take(limit + 1)).ToListAsync(ct);
        var items = rows.Take(limit).Select(r => Shape(r, level)).ToList();
        var next = rows.Count > limit ? PartnerCursor.Encode(rows[limit - 1].UpdatedAt, rows[limit - 1].Number) : null;
        return new Page<PartnerClaim>(items, next);
    }

    /// <summary>The claim if it is decided now, otherwise null (a partner never learns that an undecided claim exists).</summary>
    public async Task<PartnerClaim?> FindAsync(Guid claimId, SharingLevel level, CancellationToken ct)
    {
        var row = await Project(db.Claims.AsNoTracking().Where(c => c.Id == claimId && c.Stage == ClaimStage.Decided)).FirstOrDefaultAsync(ct);
        return row is null ? null : Shape(row, level);
    }

    /// <summary>Every matching claim, one database row at a time: nothing is collected in memory, whatever the count.</summary>
    public async IAsyncEnumerable<PartnerClaim> StreamAsync(IPartnerClaimFilter filter, SharingLevel level, [EnumeratorCancellation] CancellationToken ct)
    {
        var rows = Project(Decided(filter).OrderBy(c => c.UpdatedAt).ThenBy(c => c.Number)).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(ct))
            yield return Shape(row, level);
    }

    private IQueryable<Claim> Decided(IPartnerClaimFilter filter)
    {
        var claims = db.Claims.AsNoTracking().Where(c => c.Stage == ClaimStage.Decided);
        if (filter.UpdatedSince is { } since)
        {
            var from = since.UtcDateTime;
            claims = claims.Where(c => c.UpdatedAt >= from);
        }
        if (filter.CountryCode is { } country)
        {
            var code = country.ToUpperInvariant();
            claims = claims.Where(c => c.Location.CountryCode == code);
        }
        if (filter.ViolationType is { } type)
        {
            var flag = Claim.Flag(type);
            claims = claims.Where(c => (c.ViolationTypeFlags & flag) != 0);
        }
        if (filter.Rating is { } rating)
            claims = claims.Where(c => c.Proposals.Any(p => p.Id == c.VerdictProposalId && p.Rating == rating));
        return claims;
    }

    private IQueryable<Row> Project(IQueryable<Claim> claims) => claims.Select(c => new Row
    {
        Id = c.Id,
        Number = c.Number,
        Reference = c.Reference,
        UpdatedAt = c.UpdatedAt,
        Title = c.Title,
        Summary = c.Summary,
        ViolationTypeFlags = c.ViolationTypeFlags,
        StartDate = c.Incident.StartDate,
        EndDate = c.Incident.EndDate,
        TimePrecision = c.Incident.TimePrecision,
        PlaceName = c.Location.PlaceName,
        CountryCode = c.Location.CountryCode,
        Admin1 = c.Location.Admin1,
        Admin2 = c.Location.Admin2,
        Latitude = c.Location.Latitude,
        Longitude = c.Location.Longitude,
        GeoPrecision = c.Location.GeoPrecision,
        Perpetrators = c.Perpetrators,
        Sources = c.Sources,
        Verdict = c.Proposals.Where(p => p.Id == c.VerdictProposalId)
            .Select(p => new VerdictRow
            {
                Rating = p.Rating,
                Rationale = p.Rationale,
                AttributedTo = p.AttributedTo,
                DecidedAt = p.DecidedAt,
                Harm = new PartnerHarm(p.Harm.KilledMin, p.Harm.KilledMax, p.Harm.InjuredMin, p.Harm.InjuredMax,
                    p.Harm.CiviliansKilledMin, p.Harm.CiviliansKilledMax, p.Harm.ChildrenKilledMin, p.Harm.ChildrenKilledMax,
                    p.Harm.WomenKilledMin, p.Harm.WomenKilledMax),
            })
            .FirstOrDefault(),
        Evidence = db.Evidence.Where(e => e.ClaimId == c.Id && e.ReviewStatus == ReviewStatus.Accepted)
            .OrderBy(e => e.SubmittedAt)
            .Select(e => new EvidenceRow
            {
                Id = e.Id,
                Kind = e.Kind,
                Sha256 = e.Sha256,
                Stance = e.Stance,
                ReviewStatus = e.ReviewStatus,
                SourceReliability = e.SourceReliability,
                InformationCredibility = e.InformationCredibility,
                ReviewedAt = e.ReviewedAt,
            })
            .ToList(),
    });

    private static PartnerClaim Shape(Row row, SharingLevel level)
    {
        // A decided claim always has its verdict; a row without one would be a broken invariant, not a partner's problem.
        var verdict = row.Verdict ?? throw new InvalidOperationException($"Decided claim {row.Id} has no verdict.");
        var decidedAt = verdict.DecidedAt ?? row.UpdatedAt;
        return new PartnerClaim(
            row.Id, row.Reference, row.UpdatedAt, row.Title, row.Summary,
            Claims.ClaimProjection.ViolationTypesOf(row.ViolationTypeFlags),
            new PartnerIncident(row.StartDate, row.EndDate, row.TimePrecision,
                new PartnerLocation(row.PlaceName, row.CountryCode, row.Admin1, row.Admin2,
                    Coordinate(row.Latitude, level), Coordinate(row.Longitude, level), row.GeoPrecision)),
            [.. row.Perpetrators.Select(p => new PartnerPerpetrator(p.Name, p.Type))],
            verdict.Harm,
            new PartnerVerdict(verdict.Rating, verdict.Rationale, verdict.AttributedTo, decidedAt),
            [.. row.Sources.Select(s => new PartnerSource(s.Type, s.Description, s.Url))],
            // The evidence the verdict rests on: accepted before it was decided. An item accepted later belongs to a
            // reopening and a next verdict, and would otherwise change a claim without changing its updatedAt.
            [.. row.Evidence.Where(e => e.ReviewedAt <= decidedAt)
                .Select(e => new PartnerEvidence(e.Id, e.Kind, e.Sha256, e.Stance, e.ReviewStatus, e.SourceReliability, e.InformationCredibility))]);
    }

    private static double? Coordinate(double? value, SharingLevel level) =>
        value is { } v && level == SharingLevel.Public ? Math.Round(v, 1, MidpointRounding.AwayFromZero) : value;

    private sealed class Row
    {
        public Guid Id { get; init; }
        public long Number { get; init; }
        public string Reference { get; init; } = string.Empty;
        public DateTime UpdatedAt { get; init; }
        public string Title { get; init; } = string.Empty;
        public string Summary { get; init; } = string.Empty;
        public int ViolationTypeFlags { get; init; }
        public DateOnly StartDate { get; init; }
        public DateOnly EndDate { get; init; }
        public TimePrecision TimePrecision { get; init; }
        public string PlaceName { get; init; } = string.Empty;
        public string CountryCode { get; init; } = string.Empty;
        public string? Admin1 { get; init; }
        public string? Admin2 { get; init; }
        public double? Latitude { get; init; }
        public double? Longitude { get; init; }
        public GeoPrecision GeoPrecision { get; init; }
        public IReadOnlyList<Perpetrator> Perpetrators { get; init; } = [];
        public IReadOnlyList<Source> Sources { get; init; } = [];
        public VerdictRow? Verdict { get; init; }
        public List<EvidenceRow> Evidence { get; init; } = [];
    }

    private sealed class VerdictRow
    {
        public VerdictRating Rating { get; init; }
        public string Rationale { get; init; } = string.Empty;
        public IReadOnlyList<string> AttributedTo { get; init; } = [];
        public DateTime? DecidedAt { get; init; }
        public PartnerHarm Harm { get; init; } = null!;
    }

    private sealed class EvidenceRow
    {
        public Guid Id { get; init; }
        public EvidenceKind Kind { get; init; }
        public string Sha256 { get; init; } = string.Empty;
        public EvidenceStance Stance { get; init; }
        public ReviewStatus ReviewStatus { get; init; }
        public SourceReliability? SourceReliability { get; init; }
        public int? InformationCredibility { get; init; }
        public DateTime? ReviewedAt { get; init; }
    }
}
