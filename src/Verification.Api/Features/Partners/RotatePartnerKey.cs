using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

public static class RotatePartnerKey
{
    public sealed record Command(Guid PartnerId) : ICommand<IssuedKey>;

    internal sealed class Handler(VerificationDb db, TimeProvider clock) : ICommandHandler<Command, IssuedKey>
    {
        public async ValueTask<IssuedKey> Handle(Command command, CancellationToken cancellationToken)
        {
            var partner = await db.Partners.FirstOrDefaultAsync(p => p.Id == command.PartnerId, cancellationToken)
                ?? throw new NotFound("Partner", command.PartnerId);
            var key = PartnerApiKey.Generate();
            partner.RotateKey(key, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
            return IssuedKey.Of(partner, key);
        }
    }
}
