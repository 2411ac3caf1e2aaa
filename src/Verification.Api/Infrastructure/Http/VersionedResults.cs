using Microsoft.AspNetCore.Http.HttpResults;

namespace Verification.Api.Infrastructure.Http;

/// <summary>A response that carries the version its entity tag is made of (a claim, a verdict proposal's claim).</summary>
public interface IVersioned
{
    long Version { get; }
}

/// <summary>How an endpoint answers with a versioned object, and the problems an If-Match action on it can answer.</summary>
public static class VersionedResults
{
    /// <summary>200 with the body, its version as the ETag, so the next change can send it back in If-Match.</summary>
    public static Ok<T> WithETag<T>(this HttpResponse response, T body) where T : IVersioned
    {
        response.Headers.ETag = ETags.For(body.Version);
        return TypedResults.Ok(body);
    }

    /// <summary>What an action on a claim (a stage move, a verdict step) can answer besides its success.</summary>
    public static RouteHandlerBuilder ClaimActionProblems(this RouteHandlerBuilder route) =>
        route.ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
