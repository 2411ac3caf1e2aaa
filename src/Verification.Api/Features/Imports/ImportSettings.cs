
namespace Verification.Api.Features.Imports;

/// <summary>Operator settings of imports (Imports:BatchSize).</summary>
public sealed class ImportSettings
{
    /// <summary>Rows per transaction: large enough that a 100,000-row file is a hundred commits, small enough that a commit is brief (a fraction of a second on the bulk path).</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// Imported claims, their history and their audit entries are written by the provider's bulk path (PostgreSQL binary
    /// COPY, SQLite prepared multi-row INSERT, SQL Server SqlBulkCopy) instead of the change tracker. Off only to compare
    /// the two paths (ImportBulkEqualityTests): both store the same rows.
    /// </summary>
    public bool BulkWriter { get; set; } = true;

    /// <summary>
    /// An import still Queued this long after its upload, with no job in Hangfire, lost its job (the process stopped
    /// between the commit and the enqueue); RequeueStuckImports queues it again. Minutes, so that an upload whose job is
    /// about to be queued is never mistaken for a stuck one.
    /// </summary>
    public int RequeueQueuedAfterSeconds { get; set; } = 300;
}
