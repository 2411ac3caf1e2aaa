using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage;
using Polly;
using Polly.Retry;
using Verification.Api.Features.Audit;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Evidence;
using Verification.Api.Features.Imports;
using Verification.Api.Features.Maintenance;
using Verification.Api.Features.Partners;

namespace Verification.Api.Infrastructure.Jobs;

/// <summary>Every recurring job, in one place: each one sends a command on a schedule.</summary>
public static class RecurringJobs
{
    public const string VerifyAuditChainId = "verify-audit-chain";
    public const string EvidenceFixityId = "evidence-fixity";
    public const string FlagPossibleDuplicatesId = "flag-possible-duplicates";
    public const string RequeueStuckImportsId = "requeue-stuck-imports";
    public const string SignTreeHeadId = "sign-tree-head";

    public static void Register(IRecurringJobManager jobs)
    {
        jobs.ScheduleCommand("sweep-expired", new SweepExpired.Command(), Cron.Hourly());
        // Staggered minutes, so the hourly checks do not all read the database at once.
        jobs.ScheduleCommand(VerifyAuditChainId, new CheckAuditChain.Command(), Cron.Hourly(17));
        // 100 items or 2 GiB an hour: a store of 10,000 items is re-hashed every four days or so.
        jobs.ScheduleCommand(EvidenceFixityId, new CheckEvidenceFixity.Command(BatchSize: 100, ByteBudget: 2L * 1024 * 1024 * 1024), Cron.Hourly(37));
        jobs.ScheduleCommand(FlagPossibleDuplicatesId, new FlagPossibleDuplicates.Command(), "7,27,47 * * * *");
        jobs.ScheduleCommand("deliver-webhooks", new DeliverWebhooks.Command(), Cron.Minutely());
        jobs.ScheduleCommand(RequeueStuckImportsId, new RequeueStuckImports.Command(), "*/5 * * * *");
        jobs.ScheduleCommand(SignTreeHeadId, new SignTreeHead.Command(OnlyWhenGrown: true), "*/5 * * * *");
    }

    /// <summary>
    /// Registers the jobs at start. Hangfire takes a lock per job to change it, and on PostgreSQL that lock is a row:
    /// a process killed while holding one (SIGKILL, the OOM killer, a power cut) leaves it behind until Hangfire
    /// deems it stale, ten minutes later. Waiting on it used to stop the next start with an unhandled exception, so
    /// the API stayed down for those ten minutes after every such crash. The jobs are already stored by the earlier
    /// run; the API now starts with them and registers again in the background until the lock is free.
    /// </summary>
    public static void RegisterAtStart(IRecurringJobManager jobs, ILogger logger, CancellationToken stopping)
    {
        try
        {
            Register(jobs);
        }
        catch (Exception e) when (e is PostgreSqlDistributedLockException or DistributedLockTimeoutException)
        {
            logger.LogWarning("Recurring jobs not registered at start: {Reason}. Retrying in the background; the jobs stored by the last run still apply.",
                e.Message);
            _ = Task.Run(() => RetryAsync(jobs, logger, stopping), stopping);
        }
    }

    private static async Task RetryAsync(IRecurringJobManager jobs, ILogger logger, CancellationToken stopping)
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
            await untilRegistered.ExecuteAsync(static (jobs, _) =>
            {
                Register(jobs);
                return ValueTask.CompletedTask;
            }, jobs, stopping);
            logger.LogInformation("Recurring jobs registered after a held lock was released");
        }
        catch (OperationCanceledException)
        {
            // Shutting down before the lock was freed: the next start registers them.
        }
    }
}
