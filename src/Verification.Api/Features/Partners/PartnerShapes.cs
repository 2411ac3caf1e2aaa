using FluentValidation;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Evidence;
using Verification.Domain.Partners;
using Verification.Domain.Verdicts;

namespace Verification.Api.Features.Partners;

// ---- What coordinators see of a partner ----

public sealed record PartnerResponse(Guid Id, string Name, SharingLevel SharingLevel, string KeyPrefix, DateTime KeyIssuedAt,
    DateTime? KeyRevokedAt, DateTime CreatedAt);

/// <summary>A newly issued key: the only answer that ever carries <see cref="ApiKey"/>.</summary>
public sealed record IssuedKeyResponse(Guid Id, string Name, SharingLevel SharingLevel, string ApiKey, string KeyPrefix);

/// <summary>The answer to creating a partner or rotating its key. The audit entry names the partner, never the key.</summary>
public sealed record IssuedKey(IssuedKeyResponse Response) : IAuditTarget
{
    public string AuditTargetId => Response.Id.ToString();

    public static IssuedKey Of(Partner partner, PartnerApiKey key) =>
        new(new IssuedKeyResponse(partner.Id, partner.Name, partner.SharingLevel, key.Secret, key.Prefix));
}

internal static class PartnerProjection
{
    public static readonly System.Linq.Expressions.Expression<Func<Domain.Partners.Partner, PartnerResponse>> ToResponse = p =>
        new PartnerResponse(p.Id, p.Name, p.SharingLevel, p.KeyPrefix, p.KeyIssuedAt, p.KeyRevokedAt, p.CreatedAt);
}

// ---- What a partner sees of its webhooks ----

public sealed record WebhookResponse(Guid Id, string Url, IReadOnlyList<string> Events, WebhookFilter? Filter, DateTime CreatedAt);

/// <summary>A new subscription: the only answer that ever carries the signing <see cref="Secret"/>.</summary>
public sealed record CreatedWebhookResponse(Guid Id, string Url, IReadOnlyList<string> Events, WebhookFilter? Filter, string Secret, DateTime CreatedAt);

// ---- What a partner sees of a claim ----
// Types of their own, not the staff ClaimResponse with fields blanked: a field added to the staff shape (a witness, a
// staff id, a stage reason) cannot reach a partner unless someone adds it here on purpose. The JSON is a superset of the
// claim submission body (title, summary, violationTypes, incident, perpetrators, harm, sources), so another instance can
// import an export line as a claim.

public sealed record PartnerClaim(
    Guid Id,
    string Reference,
    DateTime UpdatedAt,
    string Title,
    string Summary,
    IReadOnlyList<ViolationType> ViolationTypes,
    PartnerIncident Incident,
    IReadOnlyList<PartnerPerpetrator> Perpetrators,
    PartnerHarm Harm,
    PartnerVerdict Verdict,
    IReadOnlyList<PartnerSource> Sources,
    IReadOnlyList<PartnerEvidence> Evidence)
{
    /// <summary>The claim's version when it was read: an export manifest names each record by id and version.</summary>
    public long Version { get; init; }

    /// <summary>The audit entry of the confirmation, whose inclusion proof a partner can ask for (API.md, Integrity).</summary>
    public PartnerDecision? Decision { get; init; }
}

/// <param name="AuditSequence">The sequence of the audit entry that confirmed the verdict: <c>GET /audit/proofs/inclusion?sequence=</c>.</param>
public sealed record PartnerDecision(long AuditSequence, DateTime DecidedAt);

public sealed record PartnerIncident(DateOnly StartDate, DateOnly EndDate, TimePrecision TimePrecision, PartnerLocation Location);

/// <summary>Coordinates are rounded to one decimal place (about 11 km) for Public partners, as recorded for Restricted ones.</summary>
public sealed record PartnerLocation(string PlaceName, string CountryCode, string? Admin1, string? Admin2,
    double? Latitude, double? Longitude, GeoPrecision GeoPrecision);

public sealed record PartnerPerpetrator(string Name, PerpetratorType Type);

/// <summary>The harm as the verdict found it (not as first alleged).</summary>
public sealed record PartnerHarm(
    int? KilledMin, int? KilledMax,
    int? InjuredMin, int? InjuredMax,
    int? CiviliansKilledMin, int? CiviliansKilledMax,
    int? ChildrenKilledMin, int? ChildrenKilledMax,
    int? WomenKilledMin, int? WomenKilledMax);

public sealed record PartnerVerdict(VerdictRating Rating, string Rationale, IReadOnlyList<string> AttributedTo, DateTime DecidedAt);

public sealed record PartnerSource(SourceType Type, string? Description, string? Url);

/// <summary>An accepted evidence item the verdict rests on: its hash and grading, never its bytes, text or witness.</summary>
public sealed record PartnerEvidence(Guid Id, EvidenceKind Kind, string Sha256, EvidenceStance Stance, ReviewStatus ReviewStatus,
    SourceReliability? SourceReliability, int? InformationCredibility);

/// <summary>The filters of the partner list and of exports.</summary>
public interface IPartnerClaimFilter
{
    DateTimeOffset? UpdatedSince { get; }
    string? CountryCode { get; }
    VerdictRating? Rating { get; }
    ViolationType? ViolationType { get; }

    /// <summary>Full text over what the partner can read (see <see cref="Infrastructure.Search.SearchScope.Partner"/>).</summary>
    string? Q => null;

    /// <summary><c>minLon,minLat,maxLon,maxLat</c>, edges inclusive, on the coordinates as the partner sees them.</summary>
    string? Bbox => null;
}

public static class PartnerClaimFilterRules
{
    public static void AddFilterRules<T>(this AbstractValidator<T> validator) where T : IPartnerClaimFilter
    {
        validator.RuleFor(q => q.CountryCode).Length(2).When(q => q.CountryCode is not null);
        validator.RuleFor(q => q.Rating).IsInEnum();
        validator.RuleFor(q => q.ViolationType).IsInEnum();
        validator.RuleFor(q => q.Q).MaximumLength(200)
            .Must(q => Persistence.Search.SearchText.Terms(q).Count <= Persistence.Search.SearchText.MaxTerms)
            .WithMessage($"q has at most {Persistence.Search.SearchText.MaxTerms} words.");
        validator.RuleFor(q => q.Bbox).Must(b => BoundingBox.TryParse(b, out _)).When(q => q.Bbox is not null).WithMessage(BoundingBox.Rule);
    }
}

/// <summary>Keyset position in the partner order (last updated, then claim number): both ascending, for incremental sync.</summary>
public static class PartnerCursor
{
    public static string Encode(DateTime updatedAt, long number) =>
        Paging.Encode(FormattableString.Invariant($"{updatedAt.Ticks}:{number}"));

    public static bool TryDecode(string? cursor, out (DateTime UpdatedAt, long Number) position)
    {
        position = default;
        if (cursor is null || !Paging.TryDecode(cursor, out var text))
            return false;
        var parts = text.Split(':');
        if (parts.Length != 2 || !long.TryParse(parts[0], out var ticks) || ticks < 0 || ticks > DateTime.MaxValue.Ticks
            || !long.TryParse(parts[1], out var number))
            return false;
        position = (new DateTime(ticks, DateTimeKind.Utc), number);
        return true;
    }
}
