using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Imports;

/// <summary>A run of an import starts (or resumes after a crash): Running, with the file's row count, from the row after the last committed one.</summary>
public static class BeginImport
{
    public sealed record Command(Guid ImportId, int TotalRows) : ICommand<Result>;

    public sealed record Result(Guid ImportId, int ProcessedRows, int Attempt) : IAuditTarget
    {
        public string AuditTargetId => ImportId.ToString();
    }

    internal sealed class Handler(VerificationDb db, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var import = await db.Imports.FirstOrDefaultAsync(i => i.Id == command.ImportId, cancellationToken)
                ?? throw new NotFound("Import", command.ImportId);
            import.Begin(command.TotalRows, clock.GetUtcNow().UtcDateTime);
            return new Result(import.Id, import.ProcessedRows, import.Attempts);
        }
    }
}
