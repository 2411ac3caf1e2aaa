using Hangfire;
using Mediator;
using Verification.Api.Features.Audit;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Security;

namespace Verification.Api.Features.Operations;

/// <summary>
/// Runs the audit chain's integrity check now instead of at its next scheduled time. The jobs dashboard is read-only,
/// so this audited command is how a coordinator triggers it; the check itself is the recurring job's command.
/// </summary>
public static class RunIntegrityCheck
{
    public sealed record Command : ICommand<Result>;

    public sealed record Result(string JobId);

    internal sealed class Handler(IBackgroundJobClient jobs) : ICommandHandler<Command, Result>
    {
        public ValueTask<Result> Handle(Command command, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new Result(jobs.EnqueueCommand(new CheckAuditChain.Command(), JobActor.System)));
    }
}
