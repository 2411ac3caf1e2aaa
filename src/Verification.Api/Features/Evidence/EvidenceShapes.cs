using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Evidence;
using Verification.Persistence;

namespace Verification.Api.Features.Evidence;

public sealed record EvidenceMetadata(
    EvidenceKind? Kind,
    string? Title,
    string? Description,
    string? Url,
    DateTime? CollectedAt,
    string? CollectedBy,
    string? Origin,
    EvidenceStance? Stance,
    string? Sha256,
    TestimonyInput? Testimony);

/// <summary>
/// The witness is left out of the audit digest: it is an unsalted SHA-256 of the command, so with the rest of the
/// command known, guessed names and phone numbers could be tested against it, undoing the witness's encryption.
/// </summary>
public sealed record TestimonyInput(string? Text, [property: NotAudited] Witness? Witness);

public sealed record TestimonyResponse(string? Text, Witness? Witness);

public sealed record EvidenceResponse(
    Guid Id,
    Guid ClaimId,
    EvidenceKind Kind,
    string? Title,
    string? Description,
    string? Url,
    DateTime? CollectedAt,
    string? CollectedBy,
    string? Origin,
    EvidenceStance Stance,
    string Sha256,
    long SizeBytes,
    string? ContentType,
    string? DetectedContentType,
    string? FileName,
    Guid? DuplicateOf,
    ReviewStatus ReviewStatus,
    Guid? ReviewedBy,
    DateTime? ReviewedAt,
    string? ReviewReason,
    SourceReliability? SourceReliability,
    int? InformationCredibility,
    Guid SubmittedBy,
    DateTime SubmittedAt,
    TestimonyResponse? Testimony)
{
    /// <summary>The item's ETag; the rule is the domain's (<see cref="EvidenceItem.Version"/>).</summary>
    public long Version => EvidenceItem.VersionOf(ReviewStatus);
}

public sealed class EvidenceMetadataValidator : AbstractValidator<EvidenceMetadata>
{
    public EvidenceMetadataValidator()
    {
        RuleFor(m => m.Kind).NotNull().IsInEnum();
        RuleFor(m => m.Stance).NotNull().IsInEnum();
        RuleFor(m => m.Title).MaximumLength(300);
        RuleFor(m => m.Description).MaximumLength(10_000);
        RuleFor(m => m.Url).MaximumLength(2048);
        RuleFor(m => m.CollectedBy).MaximumLength(200);
        RuleFor(m => m.Origin).MaximumLength(300);
        RuleFor(m => m.Sha256).Matches("^[0-9a-fA-F]{64}$").When(m => m.Sha256 is not null)
            .WithMessage("sha256 is 64 hexadecimal characters.");
        RuleFor(m => m.Testimony!.Text).MaximumLength(100_000).When(m => m.Testimony is not null);
        RuleFor(m => m.Testimony!.Witness!.Name).MaximumLength(300).When(m => m.Testimony?.Witness is not null);
        RuleFor(m => m.Testimony!.Witness!.Contact).MaximumLength(300).When(m => m.Testimony?.Witness is not null);
    }
}

/// <summary>
/// Builds responses. Witness identities are decrypted only for coordinators and for the investigator who recorded
/// them (API.md); everyone else sees the testimony text without the witness. <c>duplicateOf</c> names an item only
/// when the caller may see that item's claim: otherwise it would tell an investigator that a file exists on a claim
/// hidden from them.
/// </summary>
public sealed class EvidenceResponses(WitnessProtector witnesses, ICurrentUser user, VerificationDb db)
{
    public async Task<EvidenceResponse> FromAsync(EvidenceItem e, CancellationToken ct) =>
        (await FromAsync([e], ct))[0];

    public async Task<IReadOnlyList<EvidenceResponse>> FromAsync(IReadOnlyList<EvidenceItem> items, CancellationToken ct)
    {
        var originals = items.Where(e => e.DuplicateOf is not null).Select(e => e.DuplicateOf!.Value).Distinct().ToList();
        var visible = originals.Count == 0 || user.SeesAllClaims()
            ? originals.ToHashSet()
            : (await db.Evidence.AsNoTracking().Where(x => originals.Contains(x.Id))
                .Join(db.Claims.VisibleTo(user), x => x.ClaimId, c => c.Id, (x, _) => x.Id)
                .ToListAsync(ct)).ToHashSet();
        return [.. items.Select(e => From(e) is var r && r.DuplicateOf is { } d && !visible.Contains(d) ? r with { DuplicateOf = null } : r)];
    }

    private EvidenceResponse From(EvidenceItem e)
    {
        var mayKnowWitness = user.IsInRole(Roles.Coordinator) || e.SubmittedBy == user.Id;
        var testimony = e.Kind == EvidenceKind.Testimony
            ? new TestimonyResponse(e.TestimonyText, mayKnowWitness ? witnesses.Unprotect(e.ProtectedWitness) : null)
            : null;
        return new EvidenceResponse(e.Id, e.ClaimId, e.Kind, e.Title, e.Description, e.Url, e.CollectedAt, e.CollectedBy,
            e.Origin, e.Stance, e.Sha256, e.SizeBytes, e.ContentType, e.DetectedContentType, e.FileName, e.DuplicateOf,
            e.ReviewStatus, e.ReviewedBy, e.ReviewedAt, e.ReviewReason, e.SourceReliability, e.InformationCredibility,
            e.SubmittedBy, e.SubmittedAt, testimony);
    }
}
