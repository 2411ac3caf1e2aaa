using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Verification.Domain.Common;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// The one place where failures become RFC 9457 problem details. Domain errors are mapped by type, so a rule
/// decides its status code once, for every route. Nothing internal (stack traces, SQL) reaches the caller.
/// </summary>
public sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception is BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad
                      && BindingProblems.Describe(bad, context) is { } binding
            ? Validation(new Dictionary<string, string[]> { [binding.Field] = [binding.Message] }, "Bad request", binding.Message)
            : Map(exception);
        if (problem.Status >= 500)
            logger.LogError(exception, "Unhandled failure on {Method} {Route}", context.Request.Method, ReachedEndpoint.RouteOf(context));
        else
            logger.LogInformation("Request refused with {Status}: {Title}", problem.Status, problem.Title);

        if (exception is HttpProblem { Extensions: { } extensions })
        {
            foreach (var (key, value) in extensions)
                problem.Extensions[key] = value;
        }
        if (exception is StaleVersion stale)
            context.Response.Headers.ETag = ETags.For(stale.Current);
        context.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    internal static ProblemDetails Map(Exception exception) => exception switch
    {
        FluentValidation.ValidationException v => Validation(v.Errors
            .GroupBy(e => FieldPath(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray())),
        InvariantViolation i => Validation(new Dictionary<string, string[]> { [i.Field] = [i.Message] }),
        InvalidRequest b => Validation(new Dictionary<string, string[]> { [b.Field] = [b.Message] }),
        NotFound n => Problem(StatusCodes.Status404NotFound, n.Title, n.Message),
        FourEyesViolation or NotPermitted => Problem(StatusCodes.Status403Forbidden, ((DomainException)exception).Title, exception.Message),
        StaleVersion s => Problem(StatusCodes.Status412PreconditionFailed, s.Title, s.Message),
        DomainException d => Problem(StatusCodes.Status409Conflict, d.Title, d.Message),
        HttpProblem h => Problem(h.Status, h.Title, h.Message),
        BadHttpRequestException b => Problem(b.StatusCode, ReasonFor(b.StatusCode), Describe(b)),
        System.Data.Common.DbException { SqlState: NulCharacters.PostgresSqlState }
            or DbUpdateException { InnerException: System.Data.Common.DbException { SqlState: NulCharacters.PostgresSqlState } } =>
            Validation(new Dictionary<string, string[]> { ["text"] = [NulCharacters.Message] }),
        DbUpdateConcurrencyException => Problem(StatusCodes.Status412PreconditionFailed, "Precondition failed",
            "Someone changed this object at the same moment; read it again and retry."),
        DbUpdateException => Problem(StatusCodes.Status409Conflict, "Conflict",
            "The change conflicts with data written at the same moment; read again and retry."),
        JsonException => Problem(StatusCodes.Status400BadRequest, "Malformed JSON", "The request body is not valid JSON for this route."),
        _ => Problem(StatusCodes.Status500InternalServerError, "Internal error",
            "Something went wrong on our side; nothing was changed. The trace id identifies this failure in the logs."),
    };

    private static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    private static HttpValidationProblemDetails Validation(IDictionary<string, string[]> errors,
        string title = "Validation failed", string detail = "One or more fields are invalid; see errors.") =>
        new(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = title,
            Detail = detail,
        };

    private static string ReasonFor(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Payload too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
        _ => "Bad request",
    };

    /// <summary>The JSON reader's own message says where the body went wrong (path, line); it names no internals.</summary>
    private static string Describe(BadHttpRequestException b) => b.InnerException switch
    {
        JsonException j => $"The body could not be read: {j.Message.Split(" Path:")[0]}{(j.Path is null ? "" : $" (at {j.Path})")}",
        _ => b.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => "The body is larger than this route accepts; nothing was kept.",
            StatusCodes.Status415UnsupportedMediaType => "This route reads application/json; nothing was kept.",
            _ => "The request could not be read; the parameters and body of each route are in /openapi/v1.json.",
        },
    };

    /// <summary>"Body.Incident.Location.CountryCode" becomes "incident.location.countryCode", the JSON path the caller sent.</summary>
    internal static string FieldPath(string propertyName)
    {
        var segments = propertyName.Split('.', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..])
            .ToList();
        if (segments.Count > 1 && segments[0] == "body")
            segments.RemoveAt(0);
        return string.Join('.', segments);
    }
}
