
namespace Verification.Api.Features.Imports;

/// <summary>Operator settings of imports (Imports:BatchSize).</summary>
public sealed class ImportSettings
{
    /// <summary>Rows per transaction: large enough that a 100,000-row file is a few hundred commits, small enough that a commit is brief.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// An import still Queued this long after its upload, with no job in Hangfire, lost its job (the process stopped
    /// between the commit and the enqueue); RequeueStuckImports queues it again. Minutes, so that an upload whose job is
    /// about to be queued is never mistaken for a stuck one.
    /// </summary>
    public int RequeueQueuedAfterSeconds { get; set; } = 300;
}
