using Hangfire;
using Mediator;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Verification.Api.Features.Imports;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Infrastructure.Storage;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.WebConsole;

/// <summary>
/// An import file from the console: streamed into the store like <c>POST /api/v1/imports</c>, the same
/// <see cref="UploadImport"/> command, and the same background run queued once the upload has committed.
/// </summary>
public static class ConsoleImports
{
    public static IEndpointRouteBuilder MapConsoleImports(this IEndpointRouteBuilder app)
    {
        app.MapPost("/app/imports/file", UploadAsync).RequireAuthorization(p => p.RequireRole(Roles.Investigator, Roles.Coordinator))
            .WithMetadata(new LargeBodyMetadata()).DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/app/imports/{id:guid}/status", StatusAsync).RequireAuthorization(Policies.Staff).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// What the import page's script polls while a run goes on: the same <see cref="GetImport"/> query as the page and as
    /// <c>GET /api/v1/imports/{id}</c> (the same visibility: 404 for an import one may not see), with the words in the
    /// reader's language. Never cached.
    /// </summary>
    private static async Task<IResult> StatusAsync(Guid id, HttpContext http, ISender sender,
        Microsoft.Extensions.Localization.IStringLocalizer<ConsoleText> text, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        try
        {
            var i = await sender.Send(new GetImport.Query(id), ct);
            var finished = i.Status is not (Domain.Imports.ImportStatus.Queued or Domain.Imports.ImportStatus.Running);
            return TypedResults.Json(new ImportProgress(i.Status.ToString(), text["ImportStatus." + i.Status], i.ProcessedRows, i.TotalRows,
                i.CreatedClaims, i.SkippedRows, i.FailedRows, finished));
        }
        catch (Exception e) when (e is DomainException or HttpProblem)
        {
            var problem = ProblemDetailsExceptionHandler.Map(e);
            return TypedResults.Problem(problem);
        }
    }

    public sealed record ImportProgress(string Status, string StatusText, int ProcessedRows, int? TotalRows, int CreatedClaims,
        int SkippedRows, int FailedRows, bool Finished);

    private static async Task<IResult> UploadAsync(HttpContext http, IAntiforgery antiforgery, ISender sender, EvidenceStore store,
        IBackgroundJobClient jobs, ICurrentUser user, CancellationToken ct)
    {
        PendingBlob? file = null;
        try
        {
            (var fields, file, var fileName, _) = await ConsoleUploads.ReadFormAsync(http, antiforgery, store, ct);
            var options = new ImportOptions(fields.GetValueOrDefault("format"), fields.GetValueOrDefault("dryRun") == "true",
                string.IsNullOrWhiteSpace(fields.GetValueOrDefault("datasetVersion")) ? null : fields["datasetVersion"].Trim());
            var result = await sender.Send(new UploadImport.Command(options, file, fileName, null), ct);
            jobs.EnqueueCommand(new RunImport.Command(result.Import.Id), JobActor.Of(user));
            return TypedResults.Redirect($"/app/imports/{result.Import.Id}");
        }
        catch (Exception e) when (e is DomainException or FluentValidation.ValidationException or HttpProblem or BadHttpRequestException
                                       or IOException or InvalidDataException)
        {
            var problem = ProblemDetailsExceptionHandler.Map(e is IOException or InvalidDataException
                ? new InvalidRequest("file", "The upload is truncated or malformed; nothing was kept.") : e);
            return new RazorComponentResult<ImportRefused>(new { Problem = problem })
            {
                StatusCode = problem.Status ?? StatusCodes.Status400BadRequest,
            };
        }
        finally
        {
            if (file is not null)
                await file.DisposeAsync();
        }
    }
}
