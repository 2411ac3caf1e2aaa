using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Claims;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Claims;
using Verification.Domain.Evidence;
using Verification.Domain.Verdicts;
using Verification.Persistence;

namespace Verification.Api.Features.Queues;

public enum QueueAction
{
    Triage,
    ReviewEvidence,
    ConfirmVerdict,
    AddEvidence,
}

/// <summary>
/// What the caller may act on now: claims to triage (reviewers and coordinators), evidence to review and proposals
/// to confirm that are not their own (reviewers; four eyes), and their own claims waiting for evidence
/// (investigators). A claim another reviewer took is in that reviewer's queue, not in everyone's.
/// </summary>
public static class GetMyQueue
{
    public sealed record Query(int Limit, string? Cursor) : IQuery<QueueResponse>, IPagedQuery;

    public sealed record QueueResponse(QueueCounts Counts, IReadOnlyList<QueueItem> Items, string? NextCursor);

    public sealed record QueueCounts(int ToTriage, int EvidenceToReview, int VerdictsToConfirm, int AwaitingEvidence, int Overdue);

    public sealed record QueueItem(Guid ClaimId, string Reference, string Title, QueueAction Action, Guid? EvidenceId, Guid? ProposalId,
        DateTime? DueAt, bool Overdue)
    {
        internal long Number { get; init; }
    }

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.PagedBy(c => Paging.TryDecodeNumber(c, out var offset) && offset >= 0);
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock) : IQueryHandler<Query, QueueResponse>
    {
        public async ValueTask<QueueResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var me = user.Id;
            var now = clock.GetUtcNow().UtcDateTime;
            var deadlines = ClaimProjection.Deadlines;
            var reviewer = user.IsInRole(Roles.Reviewer);
            var triager = reviewer || user.IsInRole(Roles.Coordinator);
            var investigator = user.IsInRole(Roles.Investigator);
            // The queue is a work list: an offset cursor is enough (an item done meanwhile may shift the next page by one).
            var offset = Paging.TryDecodeNumber(query.Cursor, out var skip) ? (int)Math.Min(skip, int.MaxValue - Paging.MaxLimit - 1) : 0;
            var take = offset + query.Limit + 1;

            var toTriage = db.Claims.AsNoTracking()
                .Where(c => triager && c.Stage == ClaimStage.Submitted && (c.ReviewerId == null || c.ReviewerId == me));
            var evidence = from e in db.Evidence.AsNoTracking()
                           join c in db.Claims on e.ClaimId equals c.Id
                           where reviewer && e.ReviewStatus == ReviewStatus.Pending && e.SubmittedBy != me
                                 && c.Stage != ClaimStage.Rejected && c.Stage != ClaimStage.Withdrawn
                                 && (c.ReviewerId == null || c.ReviewerId == me)
                           select new { e.Id, c.Number, ClaimId = c.Id, c.Reference, c.Title };
            // Confirmation is by a second reviewer, whoever took the claim: the proposer never sees their own proposal here.
            var proposals = from p in db.VerdictProposals.AsNoTracking()
                            join c in db.Claims on p.ClaimId equals c.Id
                            where reviewer && p.Status == ProposalStatus.Pending && p.ProposedBy != me && c.Stage == ClaimStage.VerdictProposed
                            select new { p.Id, p.ProposedAt, c.Number, ClaimId = c.Id, c.Reference, c.Title };
            var awaiting = db.Claims.AsNoTracking()
                .Where(c => investigator && c.Stage == ClaimStage.InCorroboration && (c.SubmittedBy == me || c.Assignments.Any(a => a.UserId == me)));

            var triageLate = now - deadlines.TriageWithin;
            var confirmLate = now - deadlines.ConfirmWithin;
            var counts = new QueueCounts(
                await toTriage.CountAsync(cancellationToken),
                await evidence.CountAsync(cancellationToken),
                await proposals.CountAsync(cancellationToken),
                await awaiting.CountAsync(cancellationToken),
                await toTriage.CountAsync(c => c.SubmittedAt < triageLate, cancellationToken)
                + await proposals.CountAsync(p => p.ProposedAt < confirmLate, cancellationToken));

            var items = new List<QueueItem>();
            items.AddRange((await toTriage.OrderBy(c => c.SubmittedAt).ThenByDescending(c => c.Number).Take(take)
                    .Select(c => new { c.Id, c.Number, c.Reference, c.Title, c.SubmittedAt }).ToListAsync(cancellationToken))
                .Select(c => Item(c.Id, c.Number, c.Reference, c.Title, QueueAction.Triage, null, null, c.SubmittedAt + deadlines.TriageWithin, now)));
            items.AddRange((await proposals.OrderBy(p => p.ProposedAt).ThenByDescending(p => p.Number).Take(take).ToListAsync(cancellationToken))
                .Select(p => Item(p.ClaimId, p.Number, p.Reference, p.Title, QueueAction.ConfirmVerdict, null, p.Id, p.ProposedAt + deadlines.ConfirmWithin, now)));
            items.AddRange((await evidence.OrderByDescending(e => e.Number).ThenBy(e => e.Id).Take(take).ToListAsync(cancellationToken))
                .Select(e => Item(e.ClaimId, e.Number, e.Reference, e.Title, QueueAction.ReviewEvidence, e.Id, null, null, now)));
            items.AddRange((await awaiting.OrderByDescending(c => c.Number).Take(take)
                    .Select(c => new { c.Id, c.Number, c.Reference, c.Title }).ToListAsync(cancellationToken))
                .Select(c => Item(c.Id, c.Number, c.Reference, c.Title, QueueAction.AddEvidence, null, null, null, now)));

            // Most urgent first; work without a deadline after it, newest claim first.
            var ordered = items.OrderBy(i => i.DueAt ?? DateTime.MaxValue).ThenByDescending(i => i.Number).ThenBy(i => i.Action)
                .ThenBy(i => i.EvidenceId).Skip(offset).Take(query.Limit + 1).ToList();
            var next = ordered.Count > query.Limit ? Paging.Encode((offset + query.Limit).ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
            return new QueueResponse(counts, ordered.Take(query.Limit).ToList(), next);
        }

        private static QueueItem Item(Guid claimId, long number, string reference, string title, QueueAction action, Guid? evidenceId, Guid? proposalId,
            DateTime? dueAt, DateTime now) =>
            new(claimId, reference, title, action, evidenceId, proposalId, dueAt, dueAt < now) { Number = number };
    }
}
