using Hangfire;
using Verification.Api.Infrastructure.Jobs;

namespace Verification.Api.Features.Audit;

public static class AuditSetup
{
    /// <summary>The audit area's recurring job: the hourly chain check, at minute 17 (staggered from the other hourly checks).</summary>
    public static IServiceCollection AddAuditJobs(this IServiceCollection services) =>
        services.AddRecurringCommand(RecurringJobs.VerifyAuditChainId, new CheckAuditChain.Command(), Cron.Hourly(17));
}
