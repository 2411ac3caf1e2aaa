using System.Diagnostics;
using System.Globalization;

namespace Verification.Benchmarks.Load;

/// <summary>
/// CPU used during a load phase (Linux /proc): by the whole machine (every process, of all its cores), by the server
/// under test, and by this program (the load driver). Per request, it tells whether the driver's own work is a large
/// share of the two cores, and whether a phase meant to run at 70% of the peak left the machine any headroom.
/// </summary>
public sealed class CpuUse
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly int _serverPid;
    private readonly (long Busy, long Total) _machine;
    private readonly long _server;
    private readonly TimeSpan _driver;
    private readonly long _started = Stopwatch.GetTimestamp();

    private CpuUse(int serverPid)
    {
        _serverPid = serverPid;
        _machine = Machine();
        _server = Ticks(serverPid, withReaped: false);
        _driver = Process.GetCurrentProcess().TotalProcessorTime;
    }

    public static CpuUse Start(int serverPid) => new(serverPid);

    /// <summary>Cores used since <see cref="Start"/>: the machine's busy share of all its cores, the server's and the driver's.</summary>
    public CpuSpent Stop(long requests)
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var (busy, total) = Machine();
        var machineBusy = total > _machine.Total ? (double)(busy - _machine.Busy) / (total - _machine.Total) : 0;
        var server = (Ticks(_serverPid, withReaped: false) - _server) / TicksPerSecond;
        var driver = (Process.GetCurrentProcess().TotalProcessorTime - _driver).TotalSeconds;
        return new CpuSpent(machineBusy * MachineCpus.Value, server / seconds, driver / seconds,
            requests > 0 ? server / requests * 1e6 : 0, requests > 0 ? driver / requests * 1e6 : 0);
    }

    /// <summary>The machine's CPUs ("cpuN" lines of /proc/stat), not this process's: it may be pinned to fewer (taskset).</summary>
    internal static readonly Lazy<int> MachineCpus = new(() =>
    {
        try
        {
            return Math.Max(1, File.ReadLines("/proc/stat").Count(l => l.StartsWith("cpu", StringComparison.Ordinal) && l.Length > 3 && char.IsAsciiDigit(l[3])));
        }
        catch (IOException)
        {
            return Environment.ProcessorCount;
        }
    });

    private static (long Busy, long Total) Machine()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var idle = fields[3] + fields[4];
            var total = fields.Sum();
            return (total - idle, total);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    /// <summary>
    /// CPU seconds so far of a process and its children (a PostgreSQL server: the postmaster and its backends): the
    /// root's own time and that of the children it has reaped (fields 14–17 of /proc/PID/stat), plus each live child's.
    /// </summary>
    public static double TreeSeconds(int rootPid)
    {
        long ticks = Ticks(rootPid, withReaped: true);
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != rootPid
                && Fields(pid) is { } fields && fields[1] == rootPid.ToString(CultureInfo.InvariantCulture))
                ticks += Ticks(pid, withReaped: true);
        }
        return ticks / TicksPerSecond;
    }

    private static long Ticks(int pid, bool withReaped) =>
        Fields(pid) is not { } fields ? 0
            : long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
              + (withReaped ? long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture) : 0);

    /// <summary>The fields of /proc/PID/stat after the command name (state first), or null for a process gone.</summary>
    private static string[]? Fields(int pid)
    {
        try
        {
            // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The process's CPU seconds so far (user + system).</summary>
    public static double ProcessSeconds(int pid) => Ticks(pid, withReaped: false) / TicksPerSecond;
}

/// <summary>Cores in use during a phase (machine: every process) and CPU time per request, in microseconds.</summary>
public sealed record CpuSpent(double MachineCores, double ServerCores, double DriverCores, double ServerMicrosPerRequest, double DriverMicrosPerRequest)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"CPU: machine {MachineCores:N2} of {CpuUse.MachineCpus.Value} cores busy (every process); server {ServerCores:N2} cores ({ServerMicrosPerRequest:N0} µs per request); driver {DriverCores:N2} cores ({DriverMicrosPerRequest:N0} µs per request)");
}
