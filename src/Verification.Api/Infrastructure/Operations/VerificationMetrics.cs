using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Operations;

/// <summary>
/// The API's own metrics, on the meter "Verification", exported at /metrics. They carry counts and timings only:
/// no tag ever holds an id, a name, an address or a claim's content, so the scrape endpoint can stay open.
/// </summary>
public sealed class VerificationMetrics
{
    public const string MeterName = "Verification";

    private long _webhookDeliveries;
    private long _webhookFailures;
    private long _fixityFailures;
    private long _auditFailures;
    private long _orphansRemoved;

    public VerificationMetrics(IMeterFactory meters, OperationalSnapshot snapshot, TimeProvider clock)
    {
        var meter = meters.Create(MeterName);
        // Observable counters report 0 before the first event, so a dashboard shows a flat line instead of "no data".
        meter.CreateObservableCounter("verification.webhook.deliveries", () => Interlocked.Read(ref _webhookDeliveries),
            unit: "{delivery}", description: "Webhook deliveries a partner accepted.");
        meter.CreateObservableCounter("verification.webhook.failures", () => Interlocked.Read(ref _webhookFailures),
            unit: "{delivery}", description: "Webhook deliveries that failed (error status, timeout, refused connection).");
        meter.CreateObservableCounter("verification.evidence.fixity.failures", () => Interlocked.Read(ref _fixityFailures),
            unit: "{check}", description: "Fixity checks run by this instance that found evidence bytes missing or changed.");
        meter.CreateObservableCounter("verification.audit.verification.failures", () => Interlocked.Read(ref _auditFailures),
            unit: "{check}", description: "Audit verifications run by this instance that found the chain, a signed head or a record changed.");
        meter.CreateObservableCounter("verification.evidence.orphans.removed", () => Interlocked.Read(ref _orphansRemoved),
            unit: "{file}", description: "Stored evidence files that no evidence item or import named, removed by the sweep after the grace period.");

        meter.CreateObservableGauge("verification.claims", () => snapshot.Current.ClaimsByStage
                .Select(s => new Measurement<long>(s.Value, new KeyValuePair<string, object?>("stage", s.Key.ToString()))),
            unit: "{claim}", description: "Claims by stage.");
        meter.CreateObservableGauge("verification.evidence.stored", () => snapshot.Current.EvidenceBytes,
            unit: "By", description: "Evidence bytes in the store (identical files counted once).");
        meter.CreateObservableGauge("verification.evidence.fixity.failing", () => FailuresOf(snapshot.Current, OperationalCheck.EvidenceFixity),
            unit: "{evidence}", description: "Evidence items whose latest fixity check failed.");
        meter.CreateObservableGauge("verification.audit.verification.valid", () => AuditValid(snapshot.Current),
            description: "1 when the latest audit chain verification found the chain intact, 0 when it found it broken.");
        meter.CreateObservableGauge("verification.audit.verification.age", () => AuditAge(snapshot.Current, clock),
            unit: "s", description: "Seconds since the audit chain was last verified.");
    }

    /// <summary>A partner accepted a webhook delivery.</summary>
    public void WebhookDelivered() => Interlocked.Increment(ref _webhookDeliveries);

    /// <summary>A webhook delivery failed; it may be retried, and each failed attempt counts.</summary>
    public void WebhookFailed() => Interlocked.Increment(ref _webhookFailures);

    /// <summary>A fixity check found an evidence item's bytes missing or changed.</summary>
    public void FixityFailed() => Interlocked.Increment(ref _fixityFailures);

    /// <summary>An audit verification found the chain broken, a signed head no longer matched, or a record changed.</summary>
    public void AuditVerificationFailed() => Interlocked.Increment(ref _auditFailures);
    /// <summary>The sweep removed stored files that no row named.</summary>
    public void OrphansRemoved(int count) => Interlocked.Add(ref _orphansRemoved, count);

    private static IEnumerable<Measurement<long>> FailuresOf(OperationalSnapshot.Values values, string check) =>
        values.Checks.TryGetValue(check, out var c) ? [new Measurement<long>(c.Failures)] : [];

    // Before the first verification there is no result to report, rather than a misleading 1 or 0.
    private static IEnumerable<Measurement<int>> AuditValid(OperationalSnapshot.Values values) =>
        values.Checks.TryGetValue(OperationalCheck.AuditChain, out var c) ? [new Measurement<int>(c.Passed ? 1 : 0)] : [];

    private static IEnumerable<Measurement<double>> AuditAge(OperationalSnapshot.Values values, TimeProvider clock) =>
        values.Checks.TryGetValue(OperationalCheck.AuditChain, out var c)
            ? [new Measurement<double>(Math.Max(0, (clock.GetUtcNow().UtcDateTime - c.CheckedAt).TotalSeconds))]
            : [];
}

/// <summary>
/// The counts behind the gauges, read from the database at most once per <c>Metrics:CacheSeconds</c> (30 s): a
/// scraper every few seconds, or several scrapers, must not turn into a stream of counting queries. Gauges are read
/// from the database rather than kept in memory so that every instance reports the same numbers.
/// </summary>
public sealed class OperationalSnapshot(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<OperationalSnapshot> logger)
{
    public sealed record CheckResult(bool Passed, DateTime CheckedAt, long Failures);

    public sealed record Values(IReadOnlyDictionary<ClaimStage, long> ClaimsByStage, long EvidenceBytes, IReadOnlyDictionary<string, CheckResult> Checks)
    {
        public static readonly Values Empty = new(new Dictionary<ClaimStage, long>(), 0, new Dictionary<string, CheckResult>());
    }

    private readonly TimeSpan _maxAge = TimeSpan.FromSeconds(configuration.GetValue("Metrics:CacheSeconds", 30));
    private readonly Lock _gate = new();
    private Values _values = Values.Empty;
    private DateTime _readAt = DateTime.MinValue;

    /// <summary>
    /// The cached values, refreshed when stale. Observable instruments are read synchronously during a scrape, so the
    /// refresh is synchronous too; a failed read keeps the previous values and is logged.
    /// </summary>
    public Values Current
    {
        get
        {
            lock (_gate)
            {
                var now = clock.GetUtcNow().UtcDateTime;
                if (now - _readAt < _maxAge)
                    return _values;
                try
                {
                    _values = Read();
                }
                catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
                {
                    logger.LogWarning(e, "Could not read the counts for /metrics; the previous values are reported");
                }
                _readAt = now;
                return _values;
            }
        }
    }

    private Values Read()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        var counted = db.Claims.AsNoTracking().GroupBy(c => c.Stage).Select(g => new { Stage = g.Key, Count = g.LongCount() }).ToList();
        // Every stage is reported, zero included, so a series does not vanish when its last claim moves on.
        var byStage = Enum.GetValues<ClaimStage>().ToDictionary(s => s, s => counted.FirstOrDefault(c => c.Stage == s)?.Count ?? 0);
        var bytes = db.Evidence.AsNoTracking().Where(e => e.HasContent && e.DuplicateOf == null).Sum(e => (long?)e.SizeBytes) ?? 0;
        var checks = db.OperationalChecks.AsNoTracking().ToList()
            .ToDictionary(c => c.Name, c => new CheckResult(c.Passed, c.CheckedAt, c.Failures));
        return new Values(byStage, bytes, checks);
    }
}
