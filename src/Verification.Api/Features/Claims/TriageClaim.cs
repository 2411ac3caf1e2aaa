using FluentValidation;
using Mediator;
using Verification.Api.Features.Notifications;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Notifications;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

public static class TriageClaim
{
    public sealed record Command(Guid ClaimId, long? ExpectedVersion, TriageDecision? Decision, string? Reason, Guid? DuplicateOf)
        : ICommand<ClaimResponse>, IVersionedClaimCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Decision).NotNull().IsInEnum();
            RuleFor(c => c.Reason).MaximumLength(2000);
            RuleFor(c => c.Reason).NotEmpty().When(c => c.Decision == TriageDecision.Reject)
                .WithMessage("A rejection needs a reason: out of scope, or a duplicate of which claim.");
        }
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock, Notifier notifier) : ICommandHandler<Command, ClaimResponse>
    {
        public async ValueTask<ClaimResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var claim = await db.LoadForChangeAsync(command.ClaimId, command.ExpectedVersion, cancellationToken);
            claim.Triage(user.Id, command.Decision!.Value, command.Reason, command.DuplicateOf, clock.GetUtcNow().UtcDateTime);
            var response = await db.SaveAndReadAsync(claim.Id, cancellationToken);
            await notifier.NotifyAsync([claim.SubmittedBy], NotificationKind.ClaimTriaged, claim.Id,
                $"Your claim {claim.Reference} was triaged: {(claim.Stage == ClaimStage.Rejected ? "rejected" : "accepted")}.", cancellationToken);
            return response;
        }
    }
}
