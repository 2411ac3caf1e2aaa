using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Domain.Imports;
using Verification.Persistence;

namespace Verification.Api.Features.Imports;

/// <summary>An import ends: Succeeded when every row was read (rows with errors included), Failed with the reason otherwise.</summary>
public static class FinishImport
{
    public sealed record Command(Guid ImportId, string? FailureReason) : ICommand<Result>;

    public sealed record Result(Guid ImportId, ImportStatus Status) : IAuditTarget
    {
        public string AuditTargetId => ImportId.ToString();
    }

    internal sealed class Handler(VerificationDb db, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var import = await db.Imports.FirstOrDefaultAsync(i => i.Id == command.ImportId, cancellationToken)
                ?? throw new NotFound("Import", command.ImportId);
            var now = clock.GetUtcNow().UtcDateTime;
            if (command.FailureReason is { } reason)
                import.Fail(reason, now);
            else
                import.Succeed(now);
            return new Result(import.Id, import.Status);
        }
    }
}
