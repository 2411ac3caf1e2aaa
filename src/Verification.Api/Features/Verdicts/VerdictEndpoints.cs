using Microsoft.AspNetCore.Http.HttpResults;
using Mediator;
using Verification.Api.Features.Claims;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Claims;
using Verification.Domain.Verdicts;

namespace Verification.Api.Features.Verdicts;

public static class VerdictEndpoints
{
    public sealed record ProposalRequest(VerdictRating? Rating, string? Rationale, Harm? Harm, IReadOnlyList<string>? AttributedTo);
    public sealed record RejectionRequest(string? Reason);

    public static RouteGroupBuilder MapVerdictEndpoints(this RouteGroupBuilder api)
    {
        var verdicts = api.MapGroup("/claims/{id:guid}/verdict-proposals").WithTag("Verdicts", "Verdict proposals on a claim and their confirmation or rejection by a second reviewer (four eyes).").RequireAuthorization(Policies.Staff);
        verdicts.MapPost("/", Propose).RequireAuthorization(Policies.Reviewer)
            .WithSummary("Propose a verdict (Reviewer). Confirmed and Fair need two accepted supporting items of different origins. Needs If-Match.")
            .Produces<ProposalResponse>(StatusCodes.Status201Created)
            .ClaimActionProblems();
        verdicts.MapGet("/", List).WithSummary("Every verdict proposal of the claim, oldest first, confirmed, rejected and pending.");
        verdicts.MapPost("/{proposalId:guid}/confirm", Confirm).RequireAuthorization(Policies.Reviewer)
            .WithSummary("Confirm a proposal (a different Reviewer from the proposer): the claim is Decided. Needs If-Match.")
            .ClaimActionProblems();
        verdicts.MapPost("/{proposalId:guid}/reject", Reject).RequireAuthorization(Policies.Reviewer)
            .WithSummary("Reject a proposal (a different Reviewer): the claim goes back to InCorroboration. Needs If-Match.")
            .ClaimActionProblems();
        return api;
    }

    private static async Task<Created<ProposalResponse>> Propose(Guid id, ProposalRequest body, ISender sender, HttpRequest request,
        HttpResponse response, CancellationToken ct)
    {
        var result = await sender.Send(new ProposeVerdict.Command(id, ETags.ParseIfMatch(request), body.Rating, body.Rationale, body.Harm, body.AttributedTo), ct);
        // The claim moved to VerdictProposed: its new ETag lets the caller act on it without reading it again.
        response.Headers.ETag = ETags.For(result.ClaimVersion);
        return TypedResults.Created($"/api/v1/claims/{id}/verdict-proposals/{result.Proposal.Id}", result.Proposal);
    }

    private static async Task<Ok<Page<ProposalResponse>>> List(Guid id, ISender sender, CancellationToken ct, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new ListVerdictProposals.Query(id, limit ?? Paging.DefaultLimit, cursor), ct));

    private static async Task<Ok<ClaimResponse>> Confirm(Guid id, Guid proposalId, ISender sender, HttpRequest request, HttpResponse response, CancellationToken ct) =>
        response.WithETag(await sender.Send(new ConfirmVerdict.Command(id, proposalId, ETags.ParseIfMatch(request)), ct));

    private static async Task<Ok<ClaimResponse>> Reject(Guid id, Guid proposalId, RejectionRequest body, ISender sender, HttpRequest request,
        HttpResponse response, CancellationToken ct) =>
        response.WithETag(await sender.Send(new RejectVerdict.Command(id, proposalId, ETags.ParseIfMatch(request), body.Reason), ct));
}
