using Hangfire;
using Verification.Api.Infrastructure.Jobs;

namespace Verification.Api.Features.Maintenance;

public static class MaintenanceSetup
{
    /// <summary>The hourly sweep of what has outlived its purpose (see <see cref="SweepExpired"/>).</summary>
    public static IServiceCollection AddMaintenanceJobs(this IServiceCollection services) =>
        services.AddRecurringCommand("sweep-expired", new SweepExpired.Command(), Cron.Hourly());
}
