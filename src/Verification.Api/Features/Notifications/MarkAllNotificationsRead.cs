using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.Notifications;

/// <summary>Marks every unread notification of the caller as read, in one statement.</summary>
public static class MarkAllNotificationsRead
{
    public sealed record Command : ICommand<Result>, INotAudited;

    public sealed record Result(int Marked);

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var me = user.Id;
            DateTime? now = clock.GetUtcNow().UtcDateTime;
            var marked = await db.Notifications.Where(n => n.RecipientId == me && n.ReadAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
            return new Result(marked);
        }
    }
}
