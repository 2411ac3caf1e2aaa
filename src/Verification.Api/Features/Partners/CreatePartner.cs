using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
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

/// <summary>The answer to creating a partner or rotating its key. The audit entry names the partner, never the key.</summary>
public sealed record IssuedKey(IssuedKeyResponse Response) : IAuditTarget
{
    public string AuditTargetId => Response.Id.ToString();

    public static IssuedKey Of(Partner partner, PartnerApiKey key) =>
        new(new IssuedKeyResponse(partner.Id, partner.Name, partner.SharingLevel, key.Secret, key.Prefix));
}

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
