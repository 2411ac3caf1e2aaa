using FluentValidation;
using Mediator;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

public static class SubscribeWebhook
{
    public sealed record Command(PartnerCaller Partner, string? Url, IReadOnlyList<string>? Events, WebhookFilter? Filter = null)
        : ICommand<Result>, IWebhookSettings;

    public sealed record Result(CreatedWebhookResponse Webhook) : IAuditTarget
    {
        public string AuditTargetId => Webhook.Id.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(WebhookAddressPolicy addresses) => Include(new WebhookSettingsRules<Command>(addresses));
    }

    internal sealed class Handler(VerificationDb db, WebhookSecrets secrets, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            await WebhookLimits.EnsureAllowedAsync(db, command.Partner.Id, command.Url!, changing: null, adding: true, cancellationToken);
            var secret = WebhookSecrets.Generate();
            var subscription = WebhookSubscription.Create(Guid.CreateVersion7(), command.Partner.Id, command.Url, command.Events,
                secrets.Protect(secret), clock.GetUtcNow().UtcDateTime, command.Filter);
            db.WebhookSubscriptions.Add(subscription);
            await db.SaveChangesAsync(cancellationToken);
            return new Result(new CreatedWebhookResponse(subscription.Id, subscription.Url, subscription.Events, subscription.Filter, secret, subscription.CreatedAt));
        }
    }
}
