using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>
/// Pure per-claim work of a large unit of work (an import batch's record-state digests and staff documents) spread over
/// the cores. An import batch runs on one thread, inside SQLite's single write transaction, and that thread is the
/// import's critical path; the other core mostly waits (docs/performance-changes.md, tenth round). The results keep the
/// items' order, so what is stored is what the sequential loop stored.
/// </summary>
internal static class InParallel
{
    /// <summary>Below this many items the work stays on the caller's thread: one claim's command gains nothing from a hand-off.</summary>
    internal const int From = 64;

    private const int Slice = 16;

    public static TResult[] Map<TSource, TResult>(IReadOnlyList<TSource> items, Func<TSource, TResult> map)
    {
        var results = new TResult[items.Count];
        if (items.Count < From || Environment.ProcessorCount == 1)
        {
            for (var i = 0; i < items.Count; i++)
                results[i] = map(items[i]);
            return results;
        }
        try
        {
            Parallel.ForEach(Partitioner.Create(0, items.Count, Slice), range =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                    results[i] = map(items[i]);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            // The caller sees the exception the sequential loop would have thrown, not the wrapper.
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return results;
    }
}
