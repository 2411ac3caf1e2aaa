using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Domain.Evidence;
using Verification.Persistence;

namespace Verification.Api.Features.Evidence;

public static class ReviewEvidence
{
    public sealed record Command(Guid EvidenceId, long? IfMatch, ReviewDecision? Decision, string? Reason,
        SourceReliability? SourceReliability, int? InformationCredibility) : ICommand<EvidenceResponse>, IEvidenceCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Decision).NotNull().IsInEnum();
            RuleFor(c => c.SourceReliability).NotNull().IsInEnum();
            RuleFor(c => c.InformationCredibility).NotNull().InclusiveBetween(1, 6);
            RuleFor(c => c.Reason).MaximumLength(2000);
            RuleFor(c => c.Reason).NotEmpty().When(c => c.Decision == ReviewDecision.Reject).WithMessage("A rejection needs a reason.");
        }
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock, EvidenceResponses responses)
        : ICommandHandler<Command, EvidenceResponse>
    {
        public async ValueTask<EvidenceResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var item = await db.Evidence.FirstOrDefaultAsync(e => e.Id == command.EvidenceId, cancellationToken)
                ?? throw new NotFound("Evidence", command.EvidenceId);
            if (command.IfMatch is { } expected)
                item.EnsureVersion(expected);
            var claim = await db.Claims.FirstAsync(c => c.Id == item.ClaimId, cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            item.Review(user.Id, command.Decision!.Value, command.Reason, command.SourceReliability!.Value,
                command.InformationCredibility!.Value, now);
            claim.RecordEvidenceReview(item.Id, $"{item.ReviewStatus} {item.SourceReliability}{item.InformationCredibility}", user.Id, now);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another review of the same item committed between our read and our write (the review status is the
                // row's concurrency token): exactly one review wins.
                throw EvidenceItem.ReviewedMeanwhile(command.IfMatch);
            }
            return await responses.FromAsync(item, cancellationToken);
        }
    }
}
