using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Notifications;

/// <summary>The caller's notification webhook (never its secret); not found when they have none.</summary>
public static class GetNotificationWebhook
{
    public sealed record Query : IQuery<NotificationWebhookResponse>;

    internal sealed class Handler(VerificationDb db, ICurrentUser user) : IQueryHandler<Query, NotificationWebhookResponse>
    {
        public async ValueTask<NotificationWebhookResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var me = user.Id;
            return await db.StaffWebhooks.AsNoTracking().Where(w => w.UserId == me)
                .Select(w => new NotificationWebhookResponse(w.Url, w.CreatedAt)).FirstOrDefaultAsync(cancellationToken)
                ?? throw new NotFound("Notification webhook", me);
        }
    }
}
