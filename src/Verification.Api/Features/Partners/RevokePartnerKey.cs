using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

public static class RevokePartnerKey
{
    public sealed record Command(Guid PartnerId) : ICommand<Result>;

    public sealed record Result(Guid PartnerId) : IAuditTarget
    {
        public string AuditTargetId => PartnerId.ToString();
    }

    internal sealed class Handler(VerificationDb db, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var partner = await db.Partners.FirstOrDefaultAsync(p => p.Id == command.PartnerId, cancellationToken)
                ?? throw new NotFound("Partner", command.PartnerId);
            partner.RevokeKey(clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
            return new Result(partner.Id);
        }
    }
}
