using Hangfire;
using Hangfire.Storage.Monitoring;

namespace Verification.Api.Infrastructure.Jobs;

/// <summary>
/// The commands of this host's Hangfire storage that are still to run or running: enqueued (and fetched by a worker),
/// scheduled (a retry waits here) or processing. A sweep asks it before it queues a command again, so it does not
/// queue a second job beside one that is merely waiting for a free worker.
/// </summary>
public sealed class PendingJobs(JobStorage storage)
{
    private const int PageSize = 500;

    public IReadOnlyList<TCommand> Commands<TCommand>() where TCommand : notnull
    {
        var monitoring = storage.GetMonitoringApi();
        var jobs = new List<Hangfire.Common.Job?>();
        foreach (var queue in monitoring.Queues())
        {
            jobs.AddRange(Pages(from => monitoring.EnqueuedJobs(queue.Name, from, PageSize)).Select(j => j.Job));
            jobs.AddRange(Pages(from => monitoring.FetchedJobs(queue.Name, from, PageSize)).Select(j => j.Job));
        }
        jobs.AddRange(Pages(from => monitoring.ScheduledJobs(from, PageSize)).Select(j => j.Job));
        jobs.AddRange(Pages(from => monitoring.ProcessingJobs(from, PageSize)).Select(j => j.Job));
        return [.. jobs.Where(j => j?.Type == typeof(CommandJob)).SelectMany(j => j!.Args.OfType<TCommand>())];
    }

    private static IEnumerable<T> Pages<T>(Func<int, JobList<T>> page)
    {
        for (var from = 0; ; from += PageSize)
        {
            var items = page(from);
            foreach (var item in items)
                yield return item.Value;
            if (items.Count < PageSize)
                yield break;
        }
    }
}
