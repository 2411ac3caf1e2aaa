using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Claims;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Notifications;
using Verification.Domain.Verdicts;
using Verification.Persistence;

namespace Verification.Api.Features.Notifications;

/// <summary>
/// The recurring check for work past its deadline (<c>Workflow:TriageWithinHours</c>, <c>Workflow:ConfirmWithinHours</c>):
/// each overdue item (a claim waiting for triage, a verdict proposal waiting for its second reviewer) is marked once
/// (<see cref="OverdueMark"/>), and in the same transaction its people are told once: the claim's reviewer when someone
/// took it (unless they proposed the verdict: they cannot confirm it), otherwise the coordinators, who hand out the work.
/// Later runs skip marked items, so nobody is told twice; two runs at once collide on the mark's key and one rolls back.
/// At most <see cref="Batch"/> items of each kind per run, so a backlog (an import left untriaged) is told in steps.
/// </summary>
public static class MarkOverdueWork
{
    /// <summary>Items of each kind marked per run at most; the next run takes the rest.</summary>
    public const int Batch = 500;

    // Sent by the job as the system: notifications are not claim changes, so nothing for the audit chain.
    public sealed record Command : ICommand<Result>, INotAudited;

    public sealed record Result(int Marked, int Notified);

    internal sealed class Handler(VerificationDb db, Notifier notifier, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var deadlines = ClaimProjection.Deadlines;
            var triageLate = now - deadlines.TriageWithin;
            var confirmLate = now - deadlines.ConfirmWithin;

            // Items not marked yet, oldest deadline first; a run takes a batch of each kind, the next run the rest.
            var triage = (await db.Claims.AsNoTracking()
                    .Where(c => c.Stage == ClaimStage.Submitted && c.SubmittedAt < triageLate && !db.OverdueMarks.Any(m => m.ItemId == c.Id))
                    .OrderBy(c => c.SubmittedAt)
                    .Select(c => new { c.Id, c.Reference, c.SubmittedAt, c.ReviewerId })
                    .Take(Batch).ToListAsync(cancellationToken))
                .Select(c => new Item(c.Id, OverdueKind.Triage, c.Id, c.SubmittedAt + deadlines.TriageWithin, c.ReviewerId, null,
                    $"Claim {c.Reference} is overdue for triage."));
            var confirm = (await (from p in db.VerdictProposals.AsNoTracking()
                                  join c in db.Claims on p.ClaimId equals c.Id
                                  where p.Status == ProposalStatus.Pending && c.Stage == ClaimStage.VerdictProposed && p.ProposedAt < confirmLate
                                        && !db.OverdueMarks.Any(m => m.ItemId == p.Id)
                                  orderby p.ProposedAt
                                  select new { p.Id, p.ProposedBy, p.ProposedAt, ClaimId = c.Id, c.Reference, c.ReviewerId })
                    .Take(Batch).ToListAsync(cancellationToken))
                .Select(p => new Item(p.Id, OverdueKind.Confirm, p.ClaimId, p.ProposedAt + deadlines.ConfirmWithin, p.ReviewerId, p.ProposedBy,
                    $"The verdict proposed on claim {p.Reference} is overdue for confirmation."));
            var fresh = triage.Concat(confirm).ToList();
            if (fresh.Count == 0)
                return new Result(0, 0);

            var coordinators = await (from ur in db.UserRoles
                                      join r in db.Roles on ur.RoleId equals r.Id
                                      join u in db.Users on ur.UserId equals u.Id
                                      where r.Name == Roles.Coordinator && u.DeactivatedAt == null
                                      select u.Id).ToListAsync(cancellationToken);
            var notified = 0;
            foreach (var item in fresh)
            {
                db.OverdueMarks.Add(OverdueMark.Mark(item.ItemId, item.Kind, item.ClaimId, item.DueAt, now));
                IEnumerable<Guid> people = item.ReviewerId is { } reviewer && reviewer != item.ProposedBy ? [reviewer] : coordinators;
                notified += (await notifier.NotifyAsync(people, NotificationKind.Overdue, item.ClaimId, item.Text, cancellationToken)).Count;
            }
            await db.SaveChangesAsync(cancellationToken);
            return new Result(fresh.Count, notified);
        }
    }

    private sealed record Item(Guid ItemId, OverdueKind Kind, Guid ClaimId, DateTime DueAt, Guid? ReviewerId, Guid? ProposedBy, string Text);
}
