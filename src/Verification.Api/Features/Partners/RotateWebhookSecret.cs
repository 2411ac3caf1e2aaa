using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary>A new signing secret, shown this once; deliveries from now on are signed with it, the old one signs nothing more.</summary>
public static class RotateWebhookSecret
{
    public sealed record Command(PartnerCaller Partner, Guid SubscriptionId) : ICommand<Result>;

    public sealed record SecretResponse(string Secret);

    public sealed record Result(Guid SubscriptionId, SecretResponse Response) : IAuditTarget
    {
        public string AuditTargetId => SubscriptionId.ToString();
    }

    internal sealed class Handler(VerificationDb db, WebhookSecrets secrets) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var subscription = await db.WebhookSubscriptions
                .FirstOrDefaultAsync(s => s.Id == command.SubscriptionId && s.PartnerId == command.Partner.Id && s.RemovedAt == null, cancellationToken)
                ?? throw new NotFound("Webhook", command.SubscriptionId);
            var secret = WebhookSecrets.Generate();
            subscription.RotateSecret(secrets.Protect(secret));
            await db.SaveChangesAsync(cancellationToken);
            return new Result(subscription.Id, new SecretResponse(secret));
        }
    }
}
