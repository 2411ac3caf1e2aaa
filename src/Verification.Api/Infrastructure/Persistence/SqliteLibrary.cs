using SQLitePCL;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// Process-wide settings of the SQLite library itself, which it accepts only before its first connection opens.
/// </summary>
public static class SqliteLibrary
{
    private const int ConfigMemoryStatistics = 9; // SQLITE_CONFIG_MEMSTATUS

    private static readonly Lazy<bool> MemoryStatisticsOff = new(() =>
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(ConfigMemoryStatistics, 0) == raw.SQLITE_OK;
    });

    /// <summary>
    /// Turns SQLite's memory statistics off: the bundled library is built with them on, so every allocation it makes
    /// takes a process-wide mutex to count bytes that nothing here reads (no heap limit is set, no status is queried).
    /// SQLite's own guidance is to build without them for speed. False when a connection had already opened in this
    /// process (a test host after another), where the library keeps counting; it changes nothing but speed.
    /// </summary>
    public static bool TurnOffMemoryStatistics() => MemoryStatisticsOff.Value;
}
