using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Operations;
using Verification.Persistence;

namespace Verification.Api.Features.ReadModel;

/// <summary>
/// The read side's part of the recurring integrity check: a sample of stored documents (the newest and some at
/// random) compared byte for byte with a fresh projection from the write side. A document that differs was changed
/// behind the API's back (or the projection's inputs changed: the workflow deadlines) and is logged as an error,
/// counted in <c>verification.readmodel.mismatches</c> and stored as the <c>claim-documents</c> finding, which turns
/// /health/ready Degraded until a check passes again (after a rebuild).
/// </summary>
public sealed class ClaimDocumentCheck(VerificationDb db, ClaimDocumentBuilder builder, ReadModelMetrics metrics, TimeProvider clock,
    ILogger<ClaimDocumentCheck> logger)
{
    public const string Name = "claim-documents";
    public const int Newest = 100;
    public const int Random = 100;

    public sealed record Outcome(int Checked, IReadOnlyList<Guid> Mismatches);

    public async Task<Outcome> RunAsync(CancellationToken ct)
    {
        var documents = db.ClaimDocuments.AsNoTracking();
        var newest = await documents.OrderByDescending(d => d.UpdatedAt).Take(Newest).Select(d => d.ClaimId).ToListAsync(ct);
        var random = await documents.OrderBy(_ => EF.Functions.Random()).Take(Random).Select(d => d.ClaimId).ToListAsync(ct);
        var sample = newest.Concat(random).Distinct().ToList();

        var suspects = await MismatchesAsync(sample, ct);
        // A command may have changed a claim between the two reads of the sample: what still differs on a second look is real.
        var mismatches = suspects.Count == 0 ? suspects : await MismatchesAsync(suspects, ct);
        foreach (var id in mismatches.Take(10))
            logger.LogError("The stored documents of claim {ClaimId} differ from the claim as stored: changed behind the API's back " +
                "(or the workflow deadlines changed); rebuild the read model", id);
        if (mismatches.Count > 0)
            metrics.DocumentsMismatched(mismatches.Count);

        var check = await db.OperationalChecks.FirstOrDefaultAsync(c => c.Name == Name, ct);
        if (check is null)
        {
            check = new OperationalCheck(Name);
            db.OperationalChecks.Add(check);
        }
        check.Record(clock.GetUtcNow().UtcDateTime, sample.Count, mismatches.Count, mismatches.Count == 0 ? null : mismatches[0]);
        await db.SaveChangesAsync(ct);
        return new Outcome(sample.Count, mismatches);
    }

    private async Task<List<Guid>> MismatchesAsync(List<Guid> ids, CancellationToken ct)
    {
        var mismatches = new List<Guid>();
        foreach (var chunk in ids.Chunk(ClaimDocumentBuilder.Batch))
        {
            var stored = await db.ClaimDocuments.AsNoTracking().Where(d => chunk.Contains(d.ClaimId)).ToListAsync(ct);
            var fresh = await builder.BuildAsync(db, chunk, ct);
            foreach (var document in stored)
            {
                if (!fresh.TryGetValue(document.ClaimId, out var built) || !ClaimDocumentBuilder.Matches(document, built))
                    mismatches.Add(document.ClaimId);
            }
        }
        return mismatches;
    }
}

/// <summary>The read side's counter, on the API's meter (<see cref="VerificationMetrics"/>).</summary>
public sealed class ReadModelMetrics
{
    private long _mismatches;

    public ReadModelMetrics(IMeterFactory meters, VerificationMeterName meterName)
    {
        var meter = meters.Create(meterName.Value);
        meter.CreateObservableCounter("verification.readmodel.mismatches", () => Interlocked.Read(ref _mismatches),
            unit: "{document}", description: "Stored claim documents the integrity check found differing from a fresh projection of the claim.");
    }

    public void DocumentsMismatched(int count) => Interlocked.Add(ref _mismatches, count);
}
