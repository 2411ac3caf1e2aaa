using System.Globalization;

namespace Verification.Benchmarks.Imports;

/// <summary>
/// Per-thread times of a process from /proc/PID/task/*/schedstat (time on a core, time runnable but waiting for one)
/// and comm (the thread's name). An import's rate is set by one thread, the batch's (it writes every batch), so that
/// thread's time on a core and its waits say more about a change than the rows/s, which the rest of the machine moves.
/// Empty where /proc is not readable.
/// </summary>
internal static class ThreadTimes
{
    public sealed record Thread(string Name, double OnCoreSeconds, double WaitingSeconds);

    public static IReadOnlyDictionary<string, Thread> Snapshot(int pid)
    {
        var threads = new Dictionary<string, Thread>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var fields = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                    threads[Path.GetFileName(task)] = new Thread(name,
                        long.Parse(fields[0], CultureInfo.InvariantCulture) / 1e9, long.Parse(fields[1], CultureInfo.InvariantCulture) / 1e9);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
                {
                    // The thread ended between the listing and the read.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return threads;
    }

    /// <summary>What each thread alive at the end did between the two snapshots, busiest first.</summary>
    public static IReadOnlyList<Thread> Between(IReadOnlyDictionary<string, Thread> before, IReadOnlyDictionary<string, Thread> after) =>
        [.. after.Select(pair => before.TryGetValue(pair.Key, out var start)
                ? pair.Value with { OnCoreSeconds = pair.Value.OnCoreSeconds - start.OnCoreSeconds, WaitingSeconds = pair.Value.WaitingSeconds - start.WaitingSeconds }
                : pair.Value)
            .OrderByDescending(t => t.OnCoreSeconds)];

    /// <summary>The busiest thread and the JIT's tiering thread, for the figure's detail; empty without /proc.</summary>
    public static string Describe(IReadOnlyList<Thread> threads, double wallSeconds)
    {
        if (threads.Count == 0)
            return string.Empty;
        var busiest = threads[0];
        var text = FormattableString.Invariant(
            $"; busiest thread ({busiest.Name}): on a core {busiest.OnCoreSeconds:N1} s of {wallSeconds:N1} s, waiting for a core {busiest.WaitingSeconds:N1} s");
        if (threads.FirstOrDefault(t => t.Name.StartsWith(".NET Tiered", StringComparison.Ordinal)) is { } jit)
            text += FormattableString.Invariant($"; the JIT's tiering thread on a core {jit.OnCoreSeconds:N1} s");
        return text;
    }
}
