using Mediator;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.ReadModel;

/// <summary>One batch of a rebuild: the documents of these claims, rewritten in one transaction.</summary>
public static class WriteClaimDocuments
{
    public sealed record Command(IReadOnlyList<Guid> ClaimIds) : ICommand<Result>, INotAudited;

    public sealed record Result(int Written);

    internal sealed class Handler(VerificationDb db, ClaimDocumentBuilder builder) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var written = await builder.WriteAsync(db, command.ClaimIds, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return new Result(written);
        }
    }
}
