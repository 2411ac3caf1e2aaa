using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Persistence;
using Verification.Benchmarks.Seeding;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Benchmarks.Streams;

/// <summary>
/// `shares N [provider]`: the cost of the Shared custody events an export writes, N of them in batches of 500 (one
/// transaction each, as an export flushes them), tracked EF Core inserts (what RecordEvidenceShared did before) against the
/// set-based insert it does now, alternated three times. A before/after of that product change without the rest of an export.
/// </summary>
public static class ShareWrites
{
    public static async Task<int> RunAsync(int count, DatabaseProvider provider, string connectionString)
    {
        await ClaimSeeder.SeedAsync(provider, connectionString, 10);
        var options = new DbContextOptionsBuilder<VerificationDb>().UseVerificationDatabase(provider, connectionString).Options;
        Guid[] evidence;
        await using (var db = new VerificationDb(options))
            evidence = await db.Evidence.Select(e => e.Id).ToArrayAsync();
        var (partner, export) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        for (var round = 1; round <= 3; round++)
        {
            foreach (var setBased in new[] { false, true })
            {
                var clock = Stopwatch.StartNew();
                for (var done = 0; done < count; done += 500)
                {
                    await using var db = new VerificationDb(options);
                    await using var transaction = await db.Database.BeginTransactionAsync();
                    var now = DateTime.UtcNow;
                    var shares = Enumerable.Range(0, Math.Min(500, count - done))
                        .Select(i => PartnerShare.Of(evidence[i % evidence.Length], partner, export, "ndjson", now)).ToList();
                    if (setBased)
                    {
                        await db.InsertRowsAsync(shares, default);
                    }
                    else
                    {
                        db.CustodyEvents.AddRange(shares);
                        await db.SaveChangesAsync();
                    }
                    await transaction.CommitAsync();
                }
                Console.WriteLine($"round {round}, {(setBased ? "set-based" : "tracked  ")}: {count:N0} shares in {clock.Elapsed.TotalSeconds:N2} s, " +
                                  $"{clock.Elapsed.TotalMicroseconds / count:N1} µs per share ({provider}; load {File.ReadAllText("/proc/loadavg").Trim()})");
            }
        }
        return 0;
    }
}
