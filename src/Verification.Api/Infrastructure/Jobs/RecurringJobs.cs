using Hangfire;
using Verification.Api.Features.Maintenance;
using Verification.Api.Features.Partners;

namespace Verification.Api.Infrastructure.Jobs;

/// <summary>Every recurring job, in one place: each one sends a command on a schedule.</summary>
public static class RecurringJobs
{
    public static void Register(IRecurringJobManager jobs)
    {
        jobs.ScheduleCommand("sweep-expired", new SweepExpired.Command(), Cron.Hourly());
        jobs.ScheduleCommand("deliver-webhooks", new DeliverWebhooks.Command(), Cron.Minutely());
    }
}
