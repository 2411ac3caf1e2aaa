using Hangfire;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Infrastructure.Storage;
using Verification.Persistence;

namespace Verification.Api.Features.Imports;

public static class ImportEndpoints
{
    public static IServiceCollection AddImports(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection("Imports").Get<ImportSettings>() ?? new ImportSettings();
        if (settings.BatchSize is < 1 or > 5000)
            throw new InvalidOperationException($"Imports:BatchSize is {settings.BatchSize}; it must be between 1 and 5000.");
        services.AddSingleton(settings);
        services.AddRecurringCommand(RecurringJobs.RequeueStuckImportsId, new RequeueStuckImports.Command(), "*/5 * * * *");
        return services;
    }

    public static RouteGroupBuilder MapImportEndpoints(this RouteGroupBuilder api)
    {
        var imports = api.MapGroup("/imports").WithTag("Imports", "Bulk imports of existing records (our CSV and NDJSON, the UCDP GED dataset) as claims, run as background jobs.").RequireAuthorization(Policies.Staff);

        imports.MapPost("/", Upload).RequireAuthorization(p => p.RequireRole(Roles.Investigator, Roles.Coordinator))
            .WithMetadata(new LargeBodyMetadata())
            .Accepts<ImportOptions>("multipart/form-data")
            .WithSummary("Import claims from a file (Investigator, Coordinator): multipart with a 'file' and a JSON 'options' part. Runs in the background.")
            .Produces<ImportSummary>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        imports.MapGet("/", List).WithSummary("Your imports (coordinators: everyone's), newest first (keyset-paged).");
        imports.MapGet("/{id:guid}", Get).WithSummary("One import: status, progress and the first 1,000 row errors (the importer, Coordinator).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Accepted<ImportSummary>> Upload(HttpRequest request, ISender sender, EvidenceStore store, IOptions<JsonOptions> json,
        IBackgroundJobClient jobs, ICurrentUser user, CancellationToken ct)
    {
        await using var upload = await MultipartUpload<ImportOptions>.ReadAsync(request, "options", store, json.Value.SerializerOptions, ct);
        var result = await sender.Send(new UploadImport.Command(upload.Metadata, upload.File, upload.FileName, upload.ContentDigest), ct);
        // Queued only now that the upload's transaction has committed: the job never looks for an import that is not there yet.
        jobs.EnqueueCommand(new RunImport.Command(result.Import.Id), JobActor.Of(user));
        return TypedResults.Accepted($"/api/v1/imports/{result.Import.Id}", result.Import);
    }

    private static async Task<Ok<Page<ImportSummary>>> List(ISender sender, CancellationToken ct, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new ListImports.Query(limit ?? Paging.DefaultLimit, cursor), ct));

    private static async Task<Ok<ImportResponse>> Get(Guid id, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetImport.Query(id), ct));
}
