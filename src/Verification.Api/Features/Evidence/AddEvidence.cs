using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Infrastructure.Storage;
using Verification.Api.Pipeline;
using Verification.Domain.Evidence;
using Verification.Persistence;

namespace Verification.Api.Features.Evidence;

public static class AddEvidence
{
    /// <summary>
    /// One evidence item for a claim: JSON metadata, and for files the received (hashed, not yet placed) upload.
    /// </summary>
    public sealed record Command(
        Guid ClaimId,
        long? IfMatch,
        EvidenceMetadata Metadata,
        [property: NotAudited] PendingBlob? File,
        string? DeclaredContentType,
        string? FileName,
        string? ContentDigest) : ICommand<Result>, IClaimCommand
    {
        /// <summary>The received file's SHA-256, in the intake's audit digest (the upload stream itself is not).</summary>
        public string? FileSha256 => File?.Sha256;

        /// <summary>The received file's size in bytes, in the intake's audit digest.</summary>
        public long? FileSizeBytes => File?.SizeBytes;
    }

    public sealed record Result(EvidenceResponse Evidence) : IAuditTarget
    {
        public string AuditTargetId => Evidence.Id.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Metadata).NotNull().SetValidator(new EvidenceMetadataValidator());
            RuleFor(c => c.FileName).MaximumLength(300);
            RuleFor(c => c.DeclaredContentType).MaximumLength(200);
        }
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock, WitnessProtector witnesses, EvidenceResponses responses)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var m = command.Metadata;
            if (command.File is { } file)
                CheckDeclaredHashes(file.Sha256, m.Sha256, command.ContentDigest);

            // Intake does not need If-Match (it appends), but a stale one sent anyway is refused.
            var claim = await db.Claims.FirstOrDefaultAsync(c => c.Id == command.ClaimId, cancellationToken)
                ?? throw new Domain.Common.NotFound("Claim", command.ClaimId);
            if (command.IfMatch is { } expected)
                claim.EnsureVersion(expected);

            var now = clock.GetUtcNow().UtcDateTime;
            EvidenceItem.StoredContent? content = null;
            if (command.File is { } blob)
            {
                var firstWithSameBytes = await db.Evidence.Where(e => e.Sha256 == blob.Sha256 && e.HasContent)
                    .OrderBy(e => e.SubmittedAt).Select(e => (Guid?)e.Id).FirstOrDefaultAsync(cancellationToken);
                content = new EvidenceItem.StoredContent(blob.Sha256, blob.SizeBytes, command.DeclaredContentType,
                    blob.DetectedContentType, Path.GetFileName(command.FileName), firstWithSameBytes);
            }
            var intake = new EvidenceItem.Intake(m.Kind!.Value, m.Title, m.Description, m.Url, m.CollectedAt?.ToUniversalTime(),
                m.CollectedBy, m.Origin, m.Stance!.Value, m.Testimony?.Text, witnesses.Protect(m.Testimony?.Witness));
            var item = EvidenceItem.Receive(Guid.CreateVersion7(), claim.Id, intake, content, user.Id, now);
            claim.AttachEvidence(item.Id, item.Kind.ToString(), user.Id, now);

            // The bytes go into place before the row is written: a row never points at bytes that are not there.
            if (command.File is { } placed && await placed.CommitAsync(cancellationToken) is { Repaired: true } repair)
            {
                // The items that already name these bytes were served a corrupted file: their custody says it was found and fixed.
                var earlier = await db.Evidence.Where(e => e.Sha256 == placed.Sha256 && e.HasContent).ToListAsync(cancellationToken);
                foreach (var other in earlier)
                    db.CustodyEvents.Add(other.RecordRepair(repair.ObservedBefore, now));
            }
            db.Evidence.Add(item);
            await db.SaveChangesAsync(cancellationToken);
            return new Result(await responses.FromAsync(item, cancellationToken));
        }

        private static void CheckDeclaredHashes(string actual, string? metadataSha256, string? contentDigest)
        {
            if (metadataSha256 is not null && !metadataSha256.Equals(actual, StringComparison.OrdinalIgnoreCase))
                throw new InvalidRequest("sha256", "The file's SHA-256 does not match the sha256 you declared; nothing was kept.");
            if (contentDigest is not null && ContentDigest.Sha256Hex(contentDigest) is var declared && declared != actual)
                throw new InvalidRequest("Content-Digest", declared is null
                    ? "Content-Digest must carry sha-256=:<base64>: (RFC 9530); nothing was kept."
                    : "The file's SHA-256 does not match Content-Digest; nothing was kept.");
        }
    }
}
