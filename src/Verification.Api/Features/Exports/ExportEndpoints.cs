using Mediator;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Partners;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Claims;

namespace Verification.Api.Features.Exports;

public static class ExportEndpoints
{
    public static RouteGroupBuilder MapExportEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/exports/claims", Export)
            .WithTag("Daily work", "What waits for each member of staff, reviewer assignment, comments: the routes a team works in all day.")
            .RequireAuthorization(Policies.Triage)
            .WithSummary("Every claim that matches the list's filters, at every stage with the internal fields, streamed as ndjson, csv or geojson (reviewers, coordinators).")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson", additionalContentTypes: ["text/csv", "application/geo+json"])
            .ProducesValidationProblem();
        return api;
    }

    private static async Task<StreamedResult> Export(ISender sender, CancellationToken ct, string? format, bool? bom, ClaimStage? status,
        string? countryCode, ViolationType? violationType, DateOnly? from, DateOnly? to, string? q, Guid? importId, string? reviewer, string? bbox)
    {
        var filters = new ListClaims.Query(status, countryCode, violationType, from, to, q, importId, Paging.DefaultLimit, null, reviewer, bbox);
        var export = await sender.Send(new ExportClaims.Command(format ?? PartnerExportFormats.Ndjson, bom ?? false, filters), ct);
        return new StreamedResult(export.ContentType, export.FileName, new Dictionary<string, string> { ["X-Export-Id"] = export.ExportId.ToString() },
            async (pipe, aborted) =>
            {
                using var body = new HashedBody(pipe);
                await export.WriteAsync(body, aborted);
            });
    }
}
