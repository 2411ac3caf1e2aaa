using Hangfire;
using Hangfire.States;
using Hangfire.Storage.Monitoring;

namespace Verification.Api.Infrastructure.Jobs;

/// <summary>
/// The commands of this host's Hangfire storage that are still to run or running: enqueued, scheduled (a retry
/// waits there), awaiting or processing. A sweep asks it before it queues a command again, so that it does not queue
/// a second job beside one that is merely waiting for a free worker.
/// </summary>
public sealed class PendingJobs(JobStorage storage)
{
    private const int PageSize = 500;

    private static readonly HashSet<string> PendingStates =
        new([EnqueuedState.StateName, ScheduledState.StateName, AwaitingState.StateName, ProcessingState.StateName], StringComparer.OrdinalIgnoreCase);

    /// <summary>Each pending job that sends a <typeparamref name="TCommand"/>, with its job id.</summary>
    public IReadOnlyList<(string JobId, TCommand Command)> Of<TCommand>() where TCommand : notnull
    {
        var monitoring = storage.GetMonitoringApi();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var queue in monitoring.Queues())
        {
            ids.UnionWith(Pages(from => monitoring.EnqueuedJobs(queue.Name, from, PageSize)));
            ids.UnionWith(Pages(from => monitoring.FetchedJobs(queue.Name, from, PageSize)));
        }
        ids.UnionWith(Pages(from => monitoring.ScheduledJobs(from, PageSize)));
        ids.UnionWith(Pages(from => monitoring.ProcessingJobs(from, PageSize)));

        // The lists are the storage's indexes, and some keep the entry of a job deleted while it waited in a queue until a
        // worker fetches and drops it: the job's own current state is what says whether it will still run.
        using var connection = storage.GetConnection();
        var pending = new List<(string, TCommand)>();
        foreach (var id in ids)
        {
            var data = connection.GetJobData(id);
            if (data?.Job?.Type != typeof(CommandJob) || data.State is not { } state || !PendingStates.Contains(state))
                continue;
            pending.AddRange(data.Job.Args.OfType<TCommand>().Select(c => (id, c)));
        }
        return pending;
    }

    private static IEnumerable<string> Pages<T>(Func<int, JobList<T>> page)
    {
        for (var from = 0; ; from += PageSize)
        {
            var items = page(from);
            foreach (var item in items)
                yield return item.Key;
            if (items.Count < PageSize)
                yield break;
        }
    }
}
