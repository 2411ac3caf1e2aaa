using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Verification.Api.Features.Partners;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Notifications;
using Verification.Persistence;

namespace Verification.Api.Features.Notifications;

/// <summary>
/// Sends the notification copies that are due to their recipients' webhooks, the way partner webhooks go: the same
/// client (no redirects, no proxy, every address checked as it is connected to), the same signature (X-Signature,
/// HMAC-SHA256 of the body with the webhook's secret), the same back-off. A 2xx delivers; after
/// <see cref="Notification.MaxDeliveryAttempts"/> failures the copy is given up (the notification stays in the API).
/// </summary>
public static partial class DeliverNotifications
{
    public const string EventName = "notification";

    public sealed record Command : ICommand<Result>, INotAudited, IOwnsTransactions;

    public sealed record Result(int Attempted, int Delivered);

    /// <summary>The delivery body: the notification as the API lists it.</summary>
    public sealed record Body(Guid Id, string Event, NotificationKind Kind, Guid ClaimId, DateTime At, string Text);

    internal sealed partial class Handler(VerificationDb db, WebhookSecrets secrets, IHttpClientFactory http, IOptions<WebhookOptions> options,
        IOptions<JsonOptions> json, TimeProvider clock, ILogger<Handler> logger) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var due = await db.Notifications.AsNoTracking()
                .Where(n => n.Delivery == NotificationDelivery.Pending && n.NextDeliveryAt <= now)
                .OrderBy(n => n.NextDeliveryAt)
                .Select(n => n.Sequence)
                .Take(options.Value.BatchSize)
                .ToListAsync(cancellationToken);
            var (attempted, delivered) = await LeasedDeliveryRun.RunAsync(db, clock, due, TryLeaseAsync, DeliverAsync, cancellationToken);
            return new Result(attempted, delivered);
        }

        /// <summary>An atomic update: of two runs that saw the same due copy, exactly one sends it.</summary>
        private async Task<bool> TryLeaseAsync(long sequence, DateTime now, DateTime leasedUntil, CancellationToken ct) =>
            await db.Notifications
                .Where(n => n.Sequence == sequence && n.Delivery == NotificationDelivery.Pending && n.NextDeliveryAt <= now)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.NextDeliveryAt, leasedUntil), ct) == 1;

        private async Task<bool> DeliverAsync(long sequence, CancellationToken ct)
        {
            var notification = await db.Notifications.FirstAsync(n => n.Sequence == sequence, ct);
            var webhook = await db.StaffWebhooks.AsNoTracking().FirstOrDefaultAsync(w => w.UserId == notification.RecipientId, ct);
            var active = await db.Users.AnyAsync(u => u.Id == notification.RecipientId && u.DeactivatedAt == null, ct);
            if (webhook is null || !active)
            {
                notification.CancelDelivery(webhook is null ? "Not sent: the webhook was removed." : "Not sent: the account is deactivated.");
                await db.SaveChangesAsync(ct);
                return false;
            }

            var body = JsonSerializer.SerializeToUtf8Bytes(
                new Body(notification.Id, EventName, notification.Kind, notification.ClaimId, notification.At, notification.Text),
                json.Value.SerializerOptions);
            var (status, error) = await SignedWebhookPost.SendAsync(http.CreateClient(DeliverWebhooks.ClientName), options.Value,
                webhook.Url, notification.Id, EventName, body, secrets.Unprotect(webhook.ProtectedSecret), ct);
            var now = clock.GetUtcNow().UtcDateTime;
            if (status is >= 200 and <= 299)
            {
                notification.RecordDelivery(now);
            }
            else
            {
                notification.RecordFailure(error ?? $"The receiver answered {status}.", now,
                    LeasedDeliveryRun.NextDelay(options.Value, notification.DeliveryAttempts + 1));
                LogFailed(logger, notification.Id, notification.DeliveryAttempts, status);
            }
            await db.SaveChangesAsync(ct);
            return notification.Delivery == NotificationDelivery.Delivered;
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} webhook attempt {Attempt} failed with {Status}")]
        private static partial void LogFailed(ILogger logger, Guid notificationId, int attempt, int? status);
    }
}
