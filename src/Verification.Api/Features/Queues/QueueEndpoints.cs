using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Verification.Api.Features.Claims;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Claims;

namespace Verification.Api.Features.Queues;

public static class QueueEndpoints
{
    /// <summary>The queue deadlines from configuration (<c>Workflow:TriageWithinHours</c> 72, <c>Workflow:ConfirmWithinHours</c> 48).</summary>
    public static IServiceCollection AddWorkQueues(this IServiceCollection services, IConfiguration configuration)
    {
        ClaimProjection.Deadlines = new Deadlines(
            TimeSpan.FromHours(configuration.GetValue("Workflow:TriageWithinHours", 72.0)),
            TimeSpan.FromHours(configuration.GetValue("Workflow:ConfirmWithinHours", 48.0)));
        return services;
    }

    public static RouteGroupBuilder MapQueueEndpoints(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("Daily work").RequireAuthorization(Policies.Staff);
        me.MapGet("/queue", Queue)
            .WithSummary("What you may act on now, most urgent first, with counts and due times (staff).")
            .ProducesValidationProblem();
        return api;
    }

    private static async Task<Ok<GetMyQueue.QueueResponse>> Queue(ISender sender, CancellationToken ct, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new GetMyQueue.Query(limit ?? Paging.DefaultLimit, cursor), ct));
}
