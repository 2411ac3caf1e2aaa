using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Verification.Api.Features.Imports;
using Verification.Api.Infrastructure.Security;

namespace Verification.Api.Features.Operations;

/// <summary>
/// The few job actions a coordinator needs, as audited API commands: the jobs dashboard at /jobs is read-only, so
/// nobody can delete or trigger a recurring job there without a trace.
/// </summary>
public static class JobCommandEndpoints
{
    public sealed record JobQueued(string JobId);

    public static RouteGroupBuilder MapJobCommandEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/operations/integrity-check", RunCheck).WithTags("Operations").RequireAuthorization(Policies.Coordinator)
            .WithSummary("Run the audit chain's integrity check now (Coordinator); its result shows in /health/ready and /metrics.");
        api.MapPost("/imports/{id:guid}/requeue", Requeue).WithTags("Imports").RequireAuthorization(Policies.Coordinator)
            .WithSummary("Run a failed import again from the row after the last one it committed (Coordinator).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Accepted<JobQueued>> RunCheck(ISender sender, CancellationToken ct) =>
        TypedResults.Accepted((string?)null, new JobQueued((await sender.Send(new RunIntegrityCheck.Command(), ct)).JobId));

    private static async Task<Accepted<ImportSummary>> Requeue(Guid id, ISender sender, CancellationToken ct)
    {
        var result = await sender.Send(new RequeueImport.Command(id), ct);
        return TypedResults.Accepted($"/api/v1/imports/{id}", result.Import);
    }
}
