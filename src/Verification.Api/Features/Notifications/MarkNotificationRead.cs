using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Notifications;

/// <summary>Marks one of the caller's notifications as read (again is harmless); someone else's is not found.</summary>
public static class MarkNotificationRead
{
    // Reading one's notifications is not a change to the record the audit chain vouches for.
    public sealed record Command(Guid NotificationId) : ICommand<Unit>, INotAudited;

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var me = user.Id;
            var notification = await db.Notifications.FirstOrDefaultAsync(n => n.Id == command.NotificationId && n.RecipientId == me, cancellationToken)
                ?? throw new NotFound("Notification", command.NotificationId);
            notification.MarkRead(clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
            return Unit.Value;
        }
    }
}
