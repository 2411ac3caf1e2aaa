using Hangfire;
using Mediator;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Security;

namespace Verification.Api.Features.ReadModel;

/// <summary>
/// A coordinator asks for every stored claim document to be regenerated from the write side (after a tampered document
/// was reported, after a change of the workflow deadlines that the staff shape's <c>dueAt</c> is computed from, or
/// to fill a database migrated from before the read side). The request is an audited command; the work is a background
/// job (<see cref="RebuildClaimDocuments"/>), a batch per transaction, so writers carry on meanwhile.
/// </summary>
public static class RebuildReadModel
{
    public sealed record Command : ICommand<Result>;

    public sealed record Result(string JobId);

    internal sealed class Handler(IBackgroundJobClient jobs) : ICommandHandler<Command, Result>
    {
        public ValueTask<Result> Handle(Command command, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new Result(jobs.EnqueueCommand(new RebuildClaimDocuments.Command(MissingOnly: false), JobActor.System)));
    }
}
