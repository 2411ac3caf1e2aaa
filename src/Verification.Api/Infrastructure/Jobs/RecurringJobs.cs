using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage;
using Polly;
using Polly.Retry;

namespace Verification.Api.Infrastructure.Jobs;

/// <summary>
/// A command a feature runs on a schedule as the system. Each feature adds its own from its setup file
/// (<see cref="RecurringJobs.AddRecurringCommand{TCommand}"/>); this folder only stores and schedules them, and knows
/// no feature.
/// </summary>
public sealed record RecurringCommand(string Id, string Cron, Action<IRecurringJobManager> Schedule);

/// <summary>The recurring jobs the features added, scheduled with Hangfire at start.</summary>
public static class RecurringJobs
{
    // The ids operators (the dashboard) and tests trigger jobs by; the features that own the jobs schedule them.
    public const string VerifyAuditChainId = "verify-audit-chain";
    public const string EvidenceFixityId = "evidence-fixity";
    public const string FlagPossibleDuplicatesId = "flag-possible-duplicates";
    public const string RequeueStuckImportsId = "requeue-stuck-imports";
    public const string SignTreeHeadId = "sign-tree-head";

    /// <summary>Runs <paramref name="command"/> through the mediator on <paramref name="cron"/>, as the system.</summary>
    public static IServiceCollection AddRecurringCommand<TCommand>(this IServiceCollection services, string id, TCommand command, string cron)
        where TCommand : notnull =>
        services.AddSingleton(new RecurringCommand(id, cron, jobs => jobs.ScheduleCommand(id, command, cron)));

    public static void Register(IRecurringJobManager jobs, IEnumerable<RecurringCommand> schedule)
    {
        foreach (var job in schedule)
            job.Schedule(jobs);
    }

    /// <summary>
    /// Registers the jobs at start. Hangfire takes a lock per job to change it, and on PostgreSQL that lock is a row:
    /// a process killed while holding one (SIGKILL, the OOM killer, a power cut) leaves it behind until Hangfire
    /// deems it stale, ten minutes later. Waiting on it used to stop the next start with an unhandled exception, so
    /// the API stayed down for those ten minutes after every such crash. The jobs are already stored by the earlier
    /// run; the API now starts with them and registers again in the background until the lock is free.
    /// </summary>
    public static void RegisterAtStart(IServiceProvider services, ILogger logger, CancellationToken stopping)
    {
        var jobs = services.GetRequiredService<IRecurringJobManager>();
        var schedule = services.GetServices<RecurringCommand>().ToList();
        try
        {
            Register(jobs, schedule);
        }
        catch (Exception e) when (e is PostgreSqlDistributedLockException or DistributedLockTimeoutException)
        {
            logger.LogWarning("Recurring jobs not registered at start: {Reason}. Retrying in the background; the jobs stored by the last run still apply.",
                e.Message);
            _ = Task.Run(() => RetryAsync(jobs, schedule, logger, stopping), stopping);
        }
    }

    private static async Task RetryAsync(IRecurringJobManager jobs, List<RecurringCommand> schedule, ILogger logger, CancellationToken stopping)
    {
        // Polly's retry rather than a loop of our own: every 30 s, for as long as the lock is held, until shutdown.
        var untilRegistered = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<PostgreSqlDistributedLockException>().Handle<DistributedLockTimeoutException>(),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Constant,
                Delay = TimeSpan.FromSeconds(30),
                OnRetry = retry =>
                {
                    logger.LogWarning("Recurring jobs still not registered: {Reason}", retry.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), stopping);
            await untilRegistered.ExecuteAsync(static (state, _) =>
            {
                Register(state.jobs, state.schedule);
                return ValueTask.CompletedTask;
            }, (jobs, schedule), stopping);
            logger.LogInformation("Recurring jobs registered after a held lock was released");
        }
        catch (OperationCanceledException)
        {
            // Shutting down before the lock was freed: the next start registers them.
        }
    }
}
