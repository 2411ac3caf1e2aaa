using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Verification.Benchmarks.Streams;

/// <summary>
/// Where an export's resident memory sits, read from /proc/PID/status around it: anonymous pages (the managed heap and
/// native allocations such as SQLite's page cache), file-backed pages and shared memory (SQLite's WAL index is a shared
/// mapping of the -shm file), and the size of the database's write-ahead log. A growth in RssAnon with a flat
/// RssShmem points at the heap; a large WAL before the export is the condition the full run's growth appeared under.
/// </summary>
internal sealed record ExportMemoryBreakdown(long AnonKiB, long FileKiB, long ShmemKiB, long WalBytes)
{
    public static ExportMemoryBreakdown Read(int pid, string connectionString)
    {
        long anon = 0, file = 0, shmem = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                    anon = KiB(line);
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
                    file = KiB(line);
                else if (line.StartsWith("RssShmem:", StringComparison.Ordinal))
                    shmem = KiB(line);
            }
        }
        catch (IOException)
        {
            // Not Linux, or the process is gone: the breakdown stays zero.
        }
        var wal = new FileInfo(new SqliteConnectionStringBuilder(connectionString).DataSource + "-wal");
        return new ExportMemoryBreakdown(anon, file, shmem, wal.Exists ? wal.Length : 0);
    }

    public static string Describe(ExportMemoryBreakdown before, ExportMemoryBreakdown after) =>
        string.Create(CultureInfo.InvariantCulture,
            $"RssAnon {before.AnonKiB / 1024:N0} → {after.AnonKiB / 1024:N0} MiB, RssFile {before.FileKiB / 1024:N0} → {after.FileKiB / 1024:N0} MiB, " +
            $"RssShmem {before.ShmemKiB / 1024:N0} → {after.ShmemKiB / 1024:N0} MiB, WAL {before.WalBytes / 1048576.0:N0} → {after.WalBytes / 1048576.0:N0} MiB");

    private static long KiB(string line) =>
        long.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
}
