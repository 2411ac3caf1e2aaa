using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

public static class CreatePartner
{
    public sealed record Command(string? Name, SharingLevel? SharingLevel) : ICommand<IssuedKey>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Name).NotEmpty().MaximumLength(Partner.NameMaxLength);
            RuleFor(c => c.SharingLevel).NotNull().IsInEnum();
        }
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock) : ICommandHandler<Command, IssuedKey>
    {
        public async ValueTask<IssuedKey> Handle(Command command, CancellationToken cancellationToken)
        {
            var name = command.Name!.Trim();
            if (await db.Partners.AnyAsync(p => p.Name == name, cancellationToken))
                throw new AlreadyExists("Partner exists", $"A partner named '{name}' already exists.");
            var key = PartnerApiKey.Generate();
            var partner = Partner.Register(Guid.CreateVersion7(), name, command.SharingLevel!.Value, key, user.Id, clock.GetUtcNow().UtcDateTime);
            db.Partners.Add(partner);
            await db.SaveChangesAsync(cancellationToken);
            return IssuedKey.Of(partner, key);
        }
    }
}
