using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Infrastructure.Storage;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Evidence;

/// <summary>
/// Opening an item's bytes is a command, not a query: every access is a custody event (Berkeley Protocol), written
/// before a byte is sent.
/// </summary>
public static class OpenEvidenceContent
{
    public sealed record Command(Guid EvidenceId, string? Range) : ICommand<Result>, IEvidenceCommand;

    public sealed record Result(string Path, string ContentType, string Sha256, string? FileName);

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock, EvidenceStore store) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var item = await db.Evidence.FirstOrDefaultAsync(e => e.Id == command.EvidenceId, cancellationToken)
                ?? throw new NotFound("Evidence", command.EvidenceId);
            if (!item.HasContent)
                throw new RuleNotSatisfied("No content", $"{item.Kind} evidence has no file; its content is in the item itself.");
            if (!store.Exists(item.Sha256))
                throw new InvalidOperationException($"Evidence {item.Id} has no bytes in the store.");
            db.CustodyEvents.Add(item.RecordAccess(user.Id, clock.GetUtcNow().UtcDateTime, command.Range is null ? "download" : $"download {command.Range}"));
            await db.SaveChangesAsync(cancellationToken);
            // Served as the detected type, never as an uploader's claim, so a browser cannot be tricked into running it.
            return new Result(store.PathFor(item.Sha256), item.DetectedContentType ?? "application/octet-stream", item.Sha256, item.FileName);
        }
    }
}
