using Hangfire;
using Mediator;
using Verification.Api.Infrastructure.Security;

namespace Verification.Api.Infrastructure.Jobs;

/// <summary>
/// The only kind of background job: it sends one command through the mediator, so a job gets the same validation,
/// authorization, transaction and audit entry as a request, and holds no logic of its own.
/// </summary>
public sealed class CommandJob(IServiceScopeFactory scopes)
{
    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync<TCommand>(TCommand command, JobActor actor, CancellationToken cancellationToken)
        where TCommand : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActingUser>().Actor = actor;
        await scope.ServiceProvider.GetRequiredService<ISender>().Send(command, cancellationToken);
    }
}

public static class JobQueue
{
    /// <summary>Queues a command to run in the background as <paramref name="actor"/>.</summary>
    public static string EnqueueCommand<TCommand>(this IBackgroundJobClient jobs, TCommand command, JobActor actor) where TCommand : notnull =>
        jobs.Enqueue<CommandJob>(job => job.RunAsync(command, actor, CancellationToken.None));

    /// <summary>Runs a command on a schedule as the system.</summary>
    public static void ScheduleCommand<TCommand>(this IRecurringJobManager jobs, string id, TCommand command, string cron) where TCommand : notnull =>
        jobs.AddOrUpdate<CommandJob>(id, job => job.RunAsync(command, JobActor.System, CancellationToken.None), cron);
}
