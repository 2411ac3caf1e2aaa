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
    public sealed record Command(PartnerCaller Partner, string? Url, IReadOnlyList<string>? Events) : ICommand<Result>;

    public sealed record Result(CreatedWebhookResponse Webhook) : IAuditTarget
    {
        public string AuditTargetId => Webhook.Id.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(WebhookAddressPolicy addresses)
        {
            RuleFor(c => c.Url).NotEmpty().MaximumLength(WebhookSubscription.UrlMaxLength).DependentRules(() =>
                RuleFor(c => c.Url).CustomAsync(async (url, context, ct) =>
                {
                    if (await addresses.RefusalOfUrlAsync(url, ct) is { } refusal)
                        context.AddFailure(refusal);
                }));
            RuleFor(c => c.Events).NotEmpty().WithMessage("Subscribe to at least one event.");
            RuleForEach(c => c.Events).Must(e => WebhookEvents.All.Contains(e))
                .WithMessage($"Events are {string.Join(", ", WebhookEvents.All)}.");
        }
    }

    internal sealed class Handler(VerificationDb db, WebhookSecrets secrets, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var secret = WebhookSecrets.Generate();
            var subscription = WebhookSubscription.Create(Guid.CreateVersion7(), command.Partner.Id, command.Url, command.Events,
                secrets.Protect(secret), clock.GetUtcNow().UtcDateTime);
            db.WebhookSubscriptions.Add(subscription);
            await db.SaveChangesAsync(cancellationToken);
            return new Result(new CreatedWebhookResponse(subscription.Id, subscription.Url, subscription.Events, secret, subscription.CreatedAt));
        }
    }
}
