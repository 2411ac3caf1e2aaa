using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Notifications;

/// <summary>Removes the caller's notification webhook; copies not yet sent are cancelled by the sender when their turn comes.</summary>
public static class DeleteNotificationWebhook
{
    public sealed record Command : ICommand<Unit>;

    internal sealed class Handler(VerificationDb db, ICurrentUser user) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var me = user.Id;
            var webhook = await db.StaffWebhooks.FirstOrDefaultAsync(w => w.UserId == me, cancellationToken)
                ?? throw new NotFound("Notification webhook", me);
            db.StaffWebhooks.Remove(webhook);
            await db.SaveChangesAsync(cancellationToken);
            return Unit.Value;
        }
    }
}
