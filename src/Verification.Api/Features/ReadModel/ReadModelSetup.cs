using Hangfire;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Operations;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.ReadModel;

public static class ReadModelSetup
{
    /// <summary>The read side: the document builder, its projection in every command, the backfill at start and its health finding.</summary>
    public static IServiceCollection AddReadModel(this IServiceCollection services)
    {
        services.AddSingleton<ClaimDocumentBuilder>();
        services.AddScoped<IClaimProjection, ClaimDocumentProjection>();
        services.AddScoped<ClaimDocumentCheck>();
        services.AddSingleton<ReadModelMetrics>();
        services.AddHostedService<ClaimDocumentBackfill>();
        services.AddHealthChecks().Add(new HealthCheckRegistration(ClaimDocumentCheck.Name,
            sp => new StoredCheckHealth(sp.GetRequiredService<VerificationDb>(), ClaimDocumentCheck.Name,
                "Stored claim documents differ from the claims they describe"), HealthStatus.Degraded, ["ready"]));
        return services;
    }

    public sealed record RebuildQueued(string JobId);

    public static RouteGroupBuilder MapReadModelEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/operations/read-model/rebuild", Rebuild).WithTags("Operations").RequireAuthorization(Policies.Coordinator)
            .WithSummary("Regenerate every stored claim document from the claims as stored, in the background (Coordinator).");
        return api;
    }

    private static async Task<Accepted<RebuildQueued>> Rebuild(ISender sender, CancellationToken ct) =>
        TypedResults.Accepted((string?)null, new RebuildQueued((await sender.Send(new RebuildReadModel.Command(), ct)).JobId));
}

/// <summary>
/// At start, when some claims have no stored document (a database migrated from before the read side), queues the
/// rebuild of the missing ones. Until it has run, the read routes build a missing document from the write side on each
/// read, so answers are right from the first request; only their cost differs.
/// </summary>
internal sealed class ClaimDocumentBackfill(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<ClaimDocumentBackfill> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using var _ = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
            var missing = await db.Claims.AsNoTracking().Where(c => !db.ClaimDocuments.Any(d => d.ClaimId == c.Id)).AnyAsync(stoppingToken);
            if (!missing)
                return;
            var jobs = scope.ServiceProvider.GetService<IBackgroundJobClient>();
            if (jobs is null)
                return;
            var id = jobs.EnqueueCommand(new RebuildClaimDocuments.Command(MissingOnly: true), JobActor.System);
            logger.LogInformation("Some claims have no stored documents yet; queued job {JobId} to write them", id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not look for claims without stored documents; reads build them from the claims meanwhile");
        }
    }
}
