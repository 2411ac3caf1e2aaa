using Microsoft.AspNetCore.Http.HttpResults;
using Mediator;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;

namespace Verification.Api.Features.Audit;

public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTag("Audit", "The audit hash chain: every state change, and its verification.").RequireAuthorization(Policies.Coordinator);
        audit.MapGet("/", List).WithSummary("The audit chain, oldest first, filtered by target, actor and time (Coordinator).");
        audit.MapGet("/verify", Verify).WithSummary("Walk the whole chain; names the first changed, removed or reordered entry (Coordinator).");
        audit.MapGet("/head", Head).WithSummary("The newest entry's sequence and hash, to keep as a witness of the chain (Coordinator).");
        return api;
    }

    private static async Task<Ok<Page<AuditEntryResponse>>> List(ISender sender, CancellationToken ct, string? entityId, string? actor,
        DateTime? from, DateTime? to, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new ListAuditEntries.Query(entityId, actor, from, to, limit ?? Paging.DefaultLimit, cursor), ct));

    private static async Task<Ok<VerifyAuditChain.Result>> Verify(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new VerifyAuditChain.Query(), ct));

    private static async Task<Ok<GetAuditHead.Result>> Head(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetAuditHead.Query(), ct));
}
