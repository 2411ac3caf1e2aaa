using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary>
/// Changes a subscription's url, events or filter: the body is merged onto the current settings (RFC 7396: a
/// member left out stays, <c>"filter": null</c> follows every claim again), and the result must pass the rules of
/// a new subscription, the address rules (SSRF) and the one-subscription-per-url rule included.
/// </summary>
public static class ChangeWebhook
{
    public sealed record Command(PartnerCaller Partner, Guid SubscriptionId, JsonElement Change) : ICommand<Result>;

    public sealed record Result(WebhookResponse Webhook) : IAuditTarget
    {
        public string AuditTargetId => Webhook.Id.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Change).Must(p => p.ValueKind == JsonValueKind.Object)
                .WithMessage("Send a JSON object with the url, events or filter to change.");
    }

    internal sealed class Handler(VerificationDb db, WebhookAddressPolicy addresses, IOptions<JsonOptions> json)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var subscription = await db.WebhookSubscriptions
                .FirstOrDefaultAsync(s => s.Id == command.SubscriptionId && s.PartnerId == command.Partner.Id && s.RemovedAt == null, cancellationToken)
                ?? throw new NotFound("Webhook", command.SubscriptionId);
            var options = json.Value.SerializerOptions;
            var current = new WebhookSettings(subscription.Url, subscription.Events, subscription.Filter);
            WebhookSettings settings;
            try
            {
                settings = JsonMergePatch.Apply(JsonSerializer.SerializeToNode(current, options), JsonNode.Parse(command.Change.GetRawText()))
                    .Deserialize<WebhookSettings>(options)!;
            }
            catch (JsonException e)
            {
                throw new ValidationException([new ValidationFailure(e.Path is { Length: > 2 } path ? path[2..] : "body",
                    "This value has the wrong type for the field.")]);
            }
            var checkedSettings = await new WebhookSettingsRules<WebhookSettings>(addresses).ValidateAsync(settings, cancellationToken);
            if (!checkedSettings.IsValid)
                throw new ValidationException(checkedSettings.Errors);

            await WebhookLimits.EnsureAllowedAsync(db, command.Partner.Id, settings.Url!, changing: subscription.Id, adding: false, cancellationToken);
            subscription.Change(settings.Url, settings.Events, settings.Filter);
            await db.SaveChangesAsync(cancellationToken);
            return new Result(new WebhookResponse(subscription.Id, subscription.Url, subscription.Events, subscription.Filter, subscription.CreatedAt));
        }
    }
}
