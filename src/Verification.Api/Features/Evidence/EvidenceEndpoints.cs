using Microsoft.AspNetCore.Http.HttpResults;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Infrastructure.Storage;
using Verification.Domain.Evidence;

namespace Verification.Api.Features.Evidence;

public static class EvidenceEndpoints
{
    public sealed record ReviewRequest(ReviewDecision? Decision, string? Reason, SourceReliability? SourceReliability, int? InformationCredibility);

    public static RouteGroupBuilder MapEvidenceEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/claims/{id:guid}/evidence", Add).WithTag("Evidence", "Files, links and testimonies on a claim: hashed at intake, reviewed with the Admiralty grading, with a chain of custody.")
            .RequireAuthorization(Policies.EvidenceIntake)
            .WithMetadata(new LargeBodyMetadata())
            .Accepts<EvidenceMetadata>("application/json", "multipart/form-data")
            .WithSummary("Add evidence: multipart (a 'file' and a JSON 'metadata' part) or JSON for a link or testimony. The server hashes it.")
            .Produces<EvidenceResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapGet("/claims/{id:guid}/evidence", List).WithTag("Evidence", "Files, links and testimonies on a claim: hashed at intake, reviewed with the Admiralty grading, with a chain of custody.").RequireAuthorization(Policies.Staff)
            .WithSummary("The claim's evidence, oldest first.");

        var evidence = api.MapGroup("/evidence").WithTag("Evidence", "Files, links and testimonies on a claim: hashed at intake, reviewed with the Admiralty grading, with a chain of custody.").RequireAuthorization(Policies.Staff);
        evidence.MapGet("/{id:guid}", Get).WithSummary("One evidence item.").ProducesProblem(StatusCodes.Status404NotFound);
        evidence.MapGet("/{id:guid}/content", Content)
            .WithSummary("The original bytes (range requests supported; ETag is the SHA-256). Every call is a custody event.")
            .Produces(StatusCodes.Status200OK, responseType: null, "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
        evidence.MapGet("/{id:guid}/custody", Custody).WithSummary("The item's chain of custody, oldest first.");
        evidence.MapPost("/{id:guid}/review", Review).RequireAuthorization(Policies.Reviewer)
            .WithSummary("Accept or reject with the Admiralty grading (Reviewer; never the submitter).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<IResult> Add(Guid id, HttpRequest request, HttpResponse response, ISender sender, EvidenceStore store,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        var ifMatch = ETags.ParseIfMatch(request);
        // Before a byte of the body is read: a caller who cannot add evidence here is answered without the upload
        // being taken (and written to disk) first.
        await sender.Send(new CheckEvidenceIntake.Query(id), ct);
        AddEvidence.Result result;
        if (request.HasFormContentType)
        {
            await using var upload = await MultipartUpload<EvidenceMetadata>.ReadAsync(request, "metadata", store, json.Value.SerializerOptions, ct);
            result = await sender.Send(new AddEvidence.Command(id, ifMatch, upload.Metadata, upload.File, upload.FileContentType,
                upload.FileName, upload.ContentDigest), ct);
        }
        else if (request.HasJsonContentType())
        {
            if (request.ContentLength > RequestLimits.MaxJsonBodyBytes)
                throw new PayloadTooLarge(RequestLimits.MaxJsonBodyBytes);
            var metadata = await ReadJsonAsync(request, json, ct);
            result = await sender.Send(new AddEvidence.Command(id, ifMatch, metadata, null, null, null, null), ct);
        }
        else
        {
            throw new UnsupportedContentType(request.ContentType, "multipart/form-data or application/json");
        }
        response.Headers.ETag = ETags.For(result.Evidence.Version);
        return TypedResults.Created($"/api/v1/evidence/{result.Evidence.Id}", result.Evidence);
    }

    private static async Task<EvidenceMetadata> ReadJsonAsync(HttpRequest request, IOptions<JsonOptions> json, CancellationToken ct)
    {
        try
        {
            return await request.ReadFromJsonAsync<EvidenceMetadata>(json.Value.SerializerOptions, ct)
                ?? throw new InvalidRequest("body", "The body is empty.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new BadHttpRequestException("Malformed JSON", StatusCodes.Status400BadRequest, e);
        }
    }

    private static async Task<Ok<Page<EvidenceResponse>>> List(Guid id, ISender sender, CancellationToken ct, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new ListClaimEvidence.Query(id, limit ?? Paging.DefaultLimit, cursor), ct));

    private static async Task<Ok<EvidenceResponse>> Get(Guid id, ISender sender, HttpResponse response, CancellationToken ct)
    {
        var item = await sender.Send(new GetEvidence.Query(id), ct);
        response.Headers.ETag = ETags.For(item.Version);
        return TypedResults.Ok(item);
    }

    private static async Task<PhysicalFileHttpResult> Content(Guid id, HttpRequest request, ISender sender, CancellationToken ct)
    {
        var range = request.Headers.Range.ToString();
        var file = await sender.Send(new OpenEvidenceContent.Command(id, range.Length == 0 ? null : range[..Math.Min(range.Length, 100)]), ct);
        return TypedResults.PhysicalFile(file.Path, file.ContentType, fileDownloadName: null,
            entityTag: new EntityTagHeaderValue($"\"{file.Sha256}\""), enableRangeProcessing: true);
    }

    private static async Task<Ok<Page<GetCustody.CustodyEntry>>> Custody(Guid id, ISender sender, CancellationToken ct, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new GetCustody.Query(id, limit ?? Paging.DefaultLimit, cursor), ct));

    private static async Task<Ok<EvidenceResponse>> Review(Guid id, ReviewRequest body, ISender sender, HttpRequest request, HttpResponse response,
        CancellationToken ct)
    {
        var item = await sender.Send(new ReviewEvidence.Command(id, ETags.ParseIfMatch(request), body.Decision, body.Reason,
            body.SourceReliability, body.InformationCredibility), ct);
        response.Headers.ETag = ETags.For(item.Version);
        return TypedResults.Ok(item);
    }
}
