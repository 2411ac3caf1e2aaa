using Microsoft.AspNetCore.Http.HttpResults;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Verification.Api.Features.ReadModel;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Claims;

namespace Verification.Api.Features.Claims;

public static class ClaimEndpoints
{
    public sealed record TriageRequest(TriageDecision? Decision, string? Reason, Guid? DuplicateOf);
    public sealed record AssignmentRequest(Guid? UserId);
    public sealed record ReasonRequest(string? Reason);

    public static RouteGroupBuilder MapClaimEndpoints(this RouteGroupBuilder api)
    {
        var claims = api.MapGroup("/claims").WithTag("Claims", "Allegations of civilian harm: submission, triage, assignments, withdrawal, reopening and their timeline.").RequireAuthorization(Policies.Staff);

        claims.MapPost("/", Submit).RequireAuthorization(Policies.Investigator)
            .WithSummary("Submit a claim (Investigator). Honours Idempotency-Key.")
            .Produces<ClaimResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        claims.MapGet("/", List).WithSummary("List the claims you may see, newest first (keyset-paged).")
            .Produces<Page<ClaimResponse>>().ProducesValidationProblem();
        claims.MapGet("/{id:guid}", Get).WithSummary("Read one claim; the ETag is its version, and If-None-Match with it answers 304.")
            .Produces<ClaimResponse>().Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);
        claims.MapGet("/{id:guid}/history", History).WithSummary("The claim's timeline, oldest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        claims.MapGet("/{id:guid}/possible-duplicates", PossibleDuplicates).RequireAuthorization(Policies.Triage)
            .WithSummary("Claims that duplicate screening found alike (same country, overlapping dates, nearby place, a perpetrator in common), for triage (Reviewer, Coordinator).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        claims.MapPatch("/{id:guid}", Edit).Accepts<System.Text.Json.JsonElement>(JsonMergePatch.MediaType)
            .WithSummary("Correct a claim with a JSON merge patch (RFC 7396) while Submitted or InCorroboration (its submitter, an assigned investigator, Reviewer, Coordinator). Needs If-Match.")
            .ClaimActionProblems().ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        claims.MapPost("/triage", TriageMany).RequireAuthorization(Policies.Triage)
            .WithSummary($"Triage up to {BulkTriage.MaxItems} claims with one decision, each with its version; each claim is its own transaction, with a result of its own (Reviewer, Coordinator).")
            .ProducesValidationProblem();
        claims.MapPost("/{id:guid}/triage", Triage).RequireAuthorization(Policies.Triage)
            .WithSummary("Accept a submitted claim into corroboration, or reject it with a reason (Reviewer, Coordinator). Needs If-Match.")
            .ClaimActionProblems();
        claims.MapPost("/{id:guid}/assignments", Assign).RequireAuthorization(Policies.Coordinator)
            .WithSummary("Let an investigator work on a claim they did not submit (Coordinator). Needs If-Match.")
            .ClaimActionProblems();
        claims.MapPut("/{id:guid}/reviewer", AssignReviewer).RequireAuthorization(Policies.Triage)
            .WithSummary("Name the reviewer who works on the claim (Coordinator; a Reviewer may name themselves while nobody is assigned). Needs If-Match.")
            .ClaimActionProblems();
        claims.MapDelete("/{id:guid}/reviewer", ReleaseReviewer).RequireAuthorization(Policies.Triage)
            .WithSummary("Free the claim for another reviewer (the assigned reviewer, Coordinator). Needs If-Match.")
            .ClaimActionProblems();
        claims.MapPost("/{id:guid}/withdraw", Withdraw).RequireAuthorization(Policies.Investigator)
            .WithSummary("Withdraw your own claim while Submitted or InCorroboration and never decided. Needs If-Match.")
            .ClaimActionProblems();
        claims.MapPost("/{id:guid}/reopen", Reopen).RequireAuthorization(Policies.Coordinator)
            .WithSummary("Reopen a decided claim; its verdict stays in the history (Coordinator). Needs If-Match.")
            .ClaimActionProblems();
        return api;
    }

    private static async Task<IResult> Submit(ClaimInput body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ISender sender, HttpResponse response, CancellationToken ct)
    {
        var result = await sender.Send(new SubmitClaim.Command(body, idempotencyKey), ct);
        response.Headers.ETag = ETags.For(result.Version);
        response.Headers.Location = $"/api/v1/claims/{result.ClaimId}";
        return Results.Text(result.ResponseJson, "application/json", statusCode: StatusCodes.Status201Created);
    }

    // Both reads answer stored documents (Features/ReadModel): the bytes written with the claim's last change.
    private static async Task<IResult> List(ISender sender, CancellationToken ct,
        ClaimStage? status, string? countryCode, ViolationType? violationType, DateOnly? from, DateOnly? to, string? q,
        Guid? importId, int? limit, string? cursor, string? reviewer, string? bbox, string? perpetrator, string? sort) =>
        (await sender.Send(new ListClaimDocuments.Query(
            new ListClaims.Query(status, countryCode, violationType, from, to, q, importId, limit ?? Paging.DefaultLimit, cursor, reviewer, bbox,
                perpetrator, sort)), ct)).ToResult();

    // The handler itself, not the mediator: no behaviour acts on this query (GetClaimDocument.Handler's remarks).
    private static async Task<IResult> Get(Guid id, HttpRequest request, [FromServices] GetClaimDocument.Handler handler, CancellationToken ct) =>
        (await handler.Handle(new GetClaimDocument.Query(id, NoneMatch.KnownVersion(request)), ct)).ToResult();

    private static async Task<Ok<Page<GetClaimHistory.HistoryEntry>>> History(Guid id, ISender sender, CancellationToken ct, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new GetClaimHistory.Query(id, limit ?? Paging.DefaultLimit, cursor), ct));

    private static async Task<Ok<IReadOnlyList<ListPossibleDuplicates.PossibleDuplicateResponse>>> PossibleDuplicates(Guid id, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new ListPossibleDuplicates.Query(id), ct));

    private static async Task<Ok<ClaimResponse>> Edit(Guid id, [FromBody] System.Text.Json.JsonElement patch, ISender sender,
        HttpRequest request, HttpResponse response, CancellationToken ct)
    {
        if (!JsonMergePatch.IsMergePatch(request.ContentType))
            throw new UnsupportedContentType(request.ContentType, JsonMergePatch.MediaType);
        return response.WithETag(await sender.Send(new EditClaim.Command(id, ETags.ParseIfMatch(request), patch), ct));
    }

    private static async Task<Ok<BulkTriage.Result>> TriageMany(BulkTriage.Command body, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(body, ct));

    private static async Task<Ok<ClaimResponse>> Triage(Guid id, TriageRequest body, ISender sender, HttpRequest request, HttpResponse response, CancellationToken ct) =>
        response.WithETag(await sender.Send(new TriageClaim.Command(id, ETags.ParseIfMatch(request), body.Decision, body.Reason, body.DuplicateOf), ct));

    private static async Task<Ok<ClaimResponse>> Assign(Guid id, AssignmentRequest body, ISender sender, HttpRequest request, HttpResponse response, CancellationToken ct) =>
        response.WithETag(await sender.Send(new AssignInvestigator.Command(id, ETags.ParseIfMatch(request), body.UserId), ct));

    private static async Task<Ok<ClaimResponse>> AssignReviewer(Guid id, AssignmentRequest body, ISender sender, HttpRequest request, HttpResponse response, CancellationToken ct) =>
        response.WithETag(await sender.Send(new Claims.AssignReviewer.Command(id, ETags.ParseIfMatch(request), body.UserId), ct));

    private static async Task<Ok<ClaimResponse>> ReleaseReviewer(Guid id, ISender sender, HttpRequest request, HttpResponse response, CancellationToken ct) =>
        response.WithETag(await sender.Send(new Claims.ReleaseReviewer.Command(id, ETags.ParseIfMatch(request)), ct));

    private static async Task<Ok<ClaimResponse>> Withdraw(Guid id, ReasonRequest body, ISender sender, HttpRequest request, HttpResponse response, CancellationToken ct) =>
        response.WithETag(await sender.Send(new WithdrawClaim.Command(id, ETags.ParseIfMatch(request), body.Reason), ct));

    private static async Task<Ok<ClaimResponse>> Reopen(Guid id, ReasonRequest body, ISender sender, HttpRequest request, HttpResponse response, CancellationToken ct) =>
        response.WithETag(await sender.Send(new ReopenClaim.Command(id, ETags.ParseIfMatch(request), body.Reason), ct));
}
