using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Claims;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Verdicts;
using Verification.Persistence;

namespace Verification.Api.Features.Verdicts;

public static class ProposeVerdict
{
    public sealed record Command(Guid ClaimId, long? ExpectedVersion, VerdictRating? Rating, string? Rationale, Harm? Harm,
        IReadOnlyList<string>? AttributedTo) : ICommand<Result>, IVersionedClaimCommand;

    public sealed record Result(ProposalResponse Proposal, long ClaimVersion) : IAuditTarget
    {
        public string AuditTargetId => Proposal.ClaimId.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Rating).NotNull().IsInEnum();
            RuleFor(c => c.Rationale).NotEmpty().MaximumLength(10_000);
            RuleFor(c => c.Harm).SetValidator(new HarmValidator()!).When(c => c.Harm is not null);
            RuleFor(c => c.AttributedTo).Must(a => a is null || a.Count <= 50).WithMessage("At most 50 names.");
            RuleForEach(c => c.AttributedTo).NotEmpty().MaximumLength(200);
        }
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var claim = await db.LoadForChangeAsync(command.ClaimId, command.ExpectedVersion, cancellationToken);
            var evidence = await db.Evidence.AsNoTracking().Where(e => e.ClaimId == claim.Id)
                .Select(e => new { e.ReviewStatus, e.Stance, e.Origin })
                .ToListAsync(cancellationToken);
            var corroboration = Corroboration.Assess(evidence.Select(e => (e.ReviewStatus, e.Stance, e.Origin)));
            var proposal = claim.ProposeVerdict(Guid.CreateVersion7(), user.Id, command.Rating!.Value, command.Rationale,
                command.Harm, command.AttributedTo, corroboration, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
            return new Result(ProposalProjection.From(proposal), claim.Version);
        }
    }
}
