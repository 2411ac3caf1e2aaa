using Hangfire;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Imports;

/// <summary>
/// Runs a failed import again from the row after the last one it committed (a coordinator's audited command; the
/// jobs dashboard, which could retry jobs unaudited, is read-only). The run is queued as the importer.
/// </summary>
public static class RequeueImport
{
    public sealed record Command(Guid ImportId) : ICommand<Result>;

    public sealed record Result(ImportSummary Import) : IAuditTarget
    {
        public string AuditTargetId => Import.Id.ToString();
    }

    internal sealed class Handler(VerificationDb db, IBackgroundJobClient jobs) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var import = await db.Imports.FirstOrDefaultAsync(i => i.Id == command.ImportId, cancellationToken)
                ?? throw new NotFound("Import", command.ImportId);
            import.Requeue();
            await db.SaveChangesAsync(cancellationToken);
            var roles = await db.UserRoles.Where(r => r.UserId == import.CreatedBy)
                .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToArrayAsync(cancellationToken);
            jobs.EnqueueCommand(new RunImport.Command(import.Id), new JobActor(import.CreatedBy, roles));
            return new Result(await db.Imports.AsNoTracking().Where(i => i.Id == import.Id).Select(ImportProjection.ToSummary)
                .SingleAsync(cancellationToken));
        }
    }
}
