using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;

namespace Verification.Api.Features.Comments;

public static class CommentEndpoints
{
    public sealed record CommentRequest(string? Text);

    public static RouteGroupBuilder MapCommentEndpoints(this RouteGroupBuilder api)
    {
        var comments = api.MapGroup("/claims/{id:guid}/comments").WithTags("Daily work").RequireAuthorization(Policies.Staff);
        comments.MapPost("/", Add)
            .WithSummary("Leave a staff note on a claim you can see; @email mentions are picked out (staff). Never shown to partners.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        comments.MapGet("/", List).WithSummary("The staff notes on a claim you can see, oldest first.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Created<CommentResponse>> Add(Guid id, CommentRequest body, ISender sender, CancellationToken ct)
    {
        var result = await sender.Send(new AddComment.Command(id, body.Text), ct);
        return TypedResults.Created($"/api/v1/claims/{id}/comments/{result.Comment.Id}", result.Comment);
    }

    private static async Task<Ok<Page<CommentResponse>>> List(Guid id, ISender sender, CancellationToken ct, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new ListComments.Query(id, limit ?? Paging.DefaultLimit, cursor), ct));
}
