using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Notifications;
using Verification.Persistence;

namespace Verification.Api.Features.Notifications;

public sealed record NotificationWebhookResponse(string Url, DateTime CreatedAt);

public sealed record SetNotificationWebhookResponse(string Url, DateTime CreatedAt, string Secret);

/// <summary>
/// Sets where copies of the caller's notifications go: the url rules of partner webhooks (https, no credentials, no
/// loopback, private or link-local address), and a new secret each time, shown once, that signs every delivery.
/// </summary>
public static class SetNotificationWebhook
{
    public sealed record Command(string? Url) : ICommand<SetNotificationWebhookResponse>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(WebhookAddressPolicy addresses) =>
            RuleFor(c => c.Url).NotEmpty().MaximumLength(StaffWebhook.UrlMaxLength).DependentRules(() =>
                RuleFor(c => c.Url).CustomAsync(async (url, context, ct) =>
                {
                    if (await addresses.RefusalOfUrlAsync(url, ct) is { } refusal)
                        context.AddFailure(refusal);
                }));
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, WebhookSecrets secrets, TimeProvider clock)
        : ICommandHandler<Command, SetNotificationWebhookResponse>
    {
        public async ValueTask<SetNotificationWebhookResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var me = user.Id;
            var now = clock.GetUtcNow().UtcDateTime;
            var secret = WebhookSecrets.Generate();
            var url = command.Url!.Trim();
            var webhook = await db.StaffWebhooks.FirstOrDefaultAsync(w => w.UserId == me, cancellationToken);
            if (webhook is null)
                db.StaffWebhooks.Add(webhook = StaffWebhook.Create(me, url, secrets.Protect(secret), now));
            else
                webhook.Change(url, secrets.Protect(secret), now);
            await db.SaveChangesAsync(cancellationToken);
            return new SetNotificationWebhookResponse(webhook.Url, webhook.CreatedAt, secret);
        }
    }
}
