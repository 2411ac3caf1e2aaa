using Hangfire;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Notifications;
using Verification.Persistence;

namespace Verification.Api.Features.Notifications;

/// <summary>
/// Writes notifications on the handler's context, inside the transaction of the command that causes them, so a
/// notification exists exactly when its change was committed. A recipient is told only when their account is active
/// and they can see the claim (reviewers and coordinators see all; an investigator the claims they submitted or were
/// assigned to); the person who acted is never told of their own act. When a recipient has a webhook, the row waits
/// for <see cref="DeliverNotifications"/>.
/// </summary>
public sealed class Notifier(VerificationDb db, ICurrentUser user, IBackgroundJobClient jobs, TimeProvider clock)
{
    /// <summary>Tells each of <paramref name="recipients"/> who may see the claim; saves, and answers who was told.</summary>
    public async Task<IReadOnlyList<Guid>> NotifyAsync(IEnumerable<Guid> recipients, NotificationKind kind, Guid claimId, string text,
        CancellationToken ct)
    {
        var actor = user.IsSystem ? (Guid?)null : user.Id;
        var candidates = recipients.Where(r => r != actor && r != Guid.Empty).Distinct().ToList();
        if (candidates.Count == 0)
            return [];
        var told = await RecipientsWhoSeeAsync(candidates, claimId, ct);
        if (told.Count == 0)
            return [];
        var withWebhook = await db.StaffWebhooks.Where(w => told.Contains(w.UserId)).Select(w => w.UserId).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var recipient in told)
            db.Notifications.Add(Notification.Write(recipient, kind, claimId, text, now, withWebhook.Contains(recipient)));
        await db.SaveChangesAsync(ct);
        // Sooner than the next minute's run; if it starts before this commits, the recurring run sends it.
        if (withWebhook.Count > 0)
            jobs.EnqueueCommand(new DeliverNotifications.Command(), JobActor.System);
        return told;
    }

    /// <summary>
    /// Tells the people working on a claim (its submitter, its reviewer, the investigators assigned to it) of a change to
    /// it, with the same rules: never the one who acted, only those who can see the claim.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> NotifyClaimPeopleAsync(NotificationKind kind, Guid claimId, string text, CancellationToken ct)
    {
        var people = await db.Claims.Where(c => c.Id == claimId)
            .Select(c => new { c.SubmittedBy, c.ReviewerId, Assigned = c.Assignments.Select(a => a.UserId).ToList() })
            .FirstOrDefaultAsync(ct);
        if (people is null)
            return [];
        IEnumerable<Guid> recipients = [people.SubmittedBy, .. people.Assigned];
        if (people.ReviewerId is { } reviewer)
            recipients = recipients.Append(reviewer);
        return await NotifyAsync(recipients, kind, claimId, text, ct);
    }

    /// <summary>Active staff accounts among <paramref name="candidates"/> that can see the claim.</summary>
    public async Task<List<Guid>> RecipientsWhoSeeAsync(IReadOnlyCollection<Guid> candidates, Guid claimId, CancellationToken ct)
    {
        var seeAll = await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            where candidates.Contains(ur.UserId) && (r.Name == Roles.Reviewer || r.Name == Roles.Coordinator)
                            select ur.UserId).Distinct().ToListAsync(ct);
        var own = await db.Claims.Where(c => c.Id == claimId)
            .Select(c => new { c.SubmittedBy, Assigned = c.Assignments.Select(a => a.UserId).ToList() })
            .FirstOrDefaultAsync(ct);
        if (own is null)
            return [];
        var investigators = await (from ur in db.UserRoles
                                   join r in db.Roles on ur.RoleId equals r.Id
                                   where candidates.Contains(ur.UserId) && r.Name == Roles.Investigator
                                   select ur.UserId).Distinct().ToListAsync(ct);
        var seeing = candidates.Where(c => seeAll.Contains(c)
            || investigators.Contains(c) && (own.SubmittedBy == c || own.Assigned.Contains(c))).ToList();
        if (seeing.Count == 0)
            return [];
        return await db.Users.Where(u => seeing.Contains(u.Id) && u.DeactivatedAt == null).Select(u => u.Id).ToListAsync(ct);
    }
}
