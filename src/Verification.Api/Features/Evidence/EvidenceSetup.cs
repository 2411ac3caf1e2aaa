using Hangfire;
using Verification.Api.Infrastructure.Jobs;

namespace Verification.Api.Features.Evidence;

public static class EvidenceSetup
{
    /// <summary>
    /// The evidence area's recurring job: the fixity check. 100 items or 2 GiB an hour (at minute 37, staggered from
    /// the other hourly checks so they do not all read at once): a store of 10,000 items is re-hashed every four days or so.
    /// </summary>
    public static IServiceCollection AddEvidenceJobs(this IServiceCollection services) =>
        services.AddRecurringCommand(RecurringJobs.EvidenceFixityId,
            new CheckEvidenceFixity.Command(BatchSize: 100, ByteBudget: 2L * 1024 * 1024 * 1024), Cron.Hourly(37));
}
