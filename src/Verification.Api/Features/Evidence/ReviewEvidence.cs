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
            var current = item.ReviewStatus == ReviewStatus.Pending ? 1 : 2;
            if (command.IfMatch is { } expected && expected != current)
                throw new StaleVersion(expected, current);
            var claim = await db.Claims.FirstAsync(c => c.Id == item.ClaimId, cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            item.Review(user.Id, command.Decision!.Value, command.Reason, command.SourceReliability!.Value,
                command.InformationCredibility!.Value, now);
            claim.RecordEvidenceReview(item.Id, $"{item.ReviewStatus} {item.SourceReliability}{item.InformationCredibility}", user.Id, now);
            await db.SaveChangesAsync(cancellationToken);
            return responses.From(item);
        }
    }
}
