using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Verification.Api.Features.ReadModel;
using Verification.Api.Infrastructure.Search;
using Verification.Persistence;

namespace Verification.Benchmarks.Seeding;

/// <summary>
/// The read side of the seeded claims: each batch's stored documents (<see cref="ClaimDocument"/>) written by the
/// product's own <see cref="ClaimDocumentBuilder"/>, and their search text by its <see cref="ClaimSearchProjection"/>,
/// in the batch's transaction, as the API's projections write them after every command. Without the documents the API's
/// first reads would build each one from the write side and its start-up backfill would rewrite them all while the
/// benchmark warms up; without the search text the hourly search backfill would find every claim to index. Neither is
/// the state of a server in use.
/// </summary>
public static class ClaimSeederDocuments
{
    /// <summary>The builder with the API's JSON options (Program.cs: web defaults, enums as strings, depth 32).</summary>
    private static readonly ClaimDocumentBuilder Builder = new(Options.Create(ApiJson()), TimeProvider.System);

    public static async Task WriteAsync(VerificationDb db, IReadOnlyCollection<Guid> claimIds, CancellationToken ct)
    {
        await Builder.WriteAsync(db, claimIds, ct);
        await ClaimSearchProjection.ProjectAsync(db, claimIds, ct);
        await db.SaveChangesAsync(ct);
    }

    private static JsonOptions ApiJson()
    {
        var json = new JsonOptions();
        json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        json.SerializerOptions.MaxDepth = 32;
        return json;
    }
}
