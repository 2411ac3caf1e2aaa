using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary>
/// Ends a subscription. Its row and delivery log stay (the log names it); events not yet sent to it are cancelled by
/// the sender when their turn comes, and it no longer counts towards the partner's limit.
/// </summary>
public static class DeleteWebhook
{
    public sealed record Command(PartnerCaller Partner, Guid SubscriptionId) : ICommand<Result>;

    public sealed record Result(Guid SubscriptionId) : IAuditTarget
    {
        public string AuditTargetId => SubscriptionId.ToString();
    }

    internal sealed class Handler(VerificationDb db, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var subscription = await db.WebhookSubscriptions
                .FirstOrDefaultAsync(s => s.Id == command.SubscriptionId && s.PartnerId == command.Partner.Id && s.RemovedAt == null, cancellationToken)
                ?? throw new NotFound("Webhook", command.SubscriptionId);
            subscription.Remove(clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
            return new Result(subscription.Id);
        }
    }
}
