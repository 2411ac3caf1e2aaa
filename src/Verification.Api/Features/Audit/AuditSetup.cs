using Hangfire;
using Verification.Api.Infrastructure.Jobs;

namespace Verification.Api.Features.Audit;

public static class AuditSetup
{
    /// <summary>
    /// The audit area's recurring jobs: the hourly chain check, at minute 17 (staggered from the other hourly checks), and
    /// a signed tree head every five minutes when the log grew, so that copies of recent heads exist outside the instance.
    /// </summary>
    public static IServiceCollection AddAuditJobs(this IServiceCollection services) => services
        .AddRecurringCommand(RecurringJobs.VerifyAuditChainId, new CheckAuditChain.Command(), Cron.Hourly(17))
        .AddRecurringCommand(RecurringJobs.SignTreeHeadId, new SignTreeHead.Command(OnlyWhenGrown: true), "*/5 * * * *");
}
