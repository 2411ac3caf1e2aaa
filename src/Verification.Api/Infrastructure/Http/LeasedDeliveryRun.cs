using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// The run both webhook delivery jobs share (<c>deliver-webhooks</c> for partners, <c>deliver-notifications</c> for
/// staff): for each due item, a lease taken by an atomic update (of two runs that saw the same item, exactly one sends
/// it; if the sender dies mid-way, the item comes due again when the lease ends), the delivery, and a cleared change
/// tracker before the next item. The back-off after a failed attempt is the same for both. Each job keeps what is its
/// own: which items are due, how an item is leased in its table, and what its delivery sends and records.
/// </summary>
public static class LeasedDeliveryRun
{
    /// <summary>While one run sends an item, its next attempt is pushed this far ahead, so a parallel run skips it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Leases and delivers each of <paramref name="due"/> in turn. <paramref name="tryLease"/> gets the item, the time now
    /// and the end of the lease, and answers whether this run took it; <paramref name="deliver"/> answers whether it was delivered.
    /// </summary>
    public static async Task<(int Attempted, int Delivered)> RunAsync(VerificationDb db, TimeProvider clock, IEnumerable<long> due,
        Func<long, DateTime, DateTime, CancellationToken, Task<bool>> tryLease, Func<long, CancellationToken, Task<bool>> deliver,
        CancellationToken ct)
    {
        int attempted = 0, delivered = 0;
        foreach (var item in due)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            if (!await tryLease(item, now, now + Lease, ct))
                continue;
            attempted++;
            if (await deliver(item, ct))
                delivered++;
            db.ChangeTracker.Clear();
        }
        return (attempted, delivered);
    }

    /// <summary>The wait after failed attempt <paramref name="failedAttempt"/> (from 1): exponential, capped, with jitter.</summary>
    public static TimeSpan NextDelay(WebhookOptions options, int failedAttempt) =>
        WebhookBackoff.After(failedAttempt, TimeSpan.FromSeconds(options.BaseRetrySeconds), TimeSpan.FromSeconds(options.MaxRetrySeconds),
            Random.Shared.NextDouble());
}
