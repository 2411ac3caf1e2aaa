namespace Verification.Api.Infrastructure.Http;

/// <summary>Failures that belong to HTTP, not to the domain; each carries the status it becomes.</summary>
public class HttpProblem(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;

    /// <summary>Members added to the problem document beside status, title and detail.</summary>
    public virtual IReadOnlyDictionary<string, object?>? Extensions => null;
}

public sealed class PreconditionRequired()
    : HttpProblem(StatusCodes.Status428PreconditionRequired, "If-Match required",
        "This request changes a claim: send the claim's current ETag in If-Match, so that you do not overwrite a change you have not seen.");

public sealed class PayloadTooLarge(long limit)
    : HttpProblem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The body exceeds the limit of {limit} bytes; nothing was kept.");

public sealed class UnsupportedContentType(string? contentType, string expected)
    : HttpProblem(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
        $"Content type '{contentType}' is not accepted here; send {expected}.");

public sealed class IdempotencyKeyReused()
    : HttpProblem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused",
        "This Idempotency-Key was already used with a different body. Use a new key for a new submission.");

/// <summary>A request-shape failure found while reading the body (a multipart part missing, a bad hash).</summary>
public sealed class InvalidRequest(string field, string detail) : HttpProblem(StatusCodes.Status400BadRequest, "Invalid request", detail)
{
    public string Field { get; } = field;
}
