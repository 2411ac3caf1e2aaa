using Hangfire;
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
    }
}
