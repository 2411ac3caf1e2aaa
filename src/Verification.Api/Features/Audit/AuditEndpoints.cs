using Microsoft.AspNetCore.Http.HttpResults;
using Mediator;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Integrity;
using Verification.Api.Infrastructure.Security;
using Verification.Persistence;

namespace Verification.Api.Features.Audit;

public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTag("Audit", "The audit hash chain: every state change, and its verification.").RequireAuthorization(Policies.Coordinator);
        audit.MapGet("/", List).WithSummary("The audit chain, oldest first, filtered by target, actor and time (Coordinator).");
        audit.MapGet("/verify", Verify).WithSummary(
            "Walk the whole chain and check it against every signed head; with records=true also every claim and evidence item " +
            "against the state its latest entry recorded. Names the first changed, removed or reordered entry, inconsistent head and changed record (Coordinator).");
        audit.MapPost("/heads", Sign).WithSummary("Sign a tree head over the chain as it is now (Coordinator).");

        // Published: anyone may check what the instance signed.
        var published = api.MapGroup("/audit").WithTags("Integrity").AllowAnonymous();
        published.MapGet("/head", Head).WithSummary("The newest signed tree head (RFC 9162 Merkle root over the audit chain, ES256).");
        published.MapGet("/heads", Heads).WithSummary("Every signed tree head, newest first.");
        published.MapGet("/keys", Keys).WithSummary("The public keys that verify heads and export manifests, retired ones included.");
        published.MapGet("/proofs/consistency", Consistency).WithSummary("RFC 9162 §2.1.4 consistency proof between two tree sizes.");

        api.MapGroup("/audit").WithTags("Integrity")
            .RequireAuthorization(p => p.RequireRole(Roles.Coordinator, PartnerAuthentication.PartnerRole))
            .WithMetadata(new PartnerRouteMetadata())
            .MapGet("/proofs/inclusion", Inclusion)
            .WithSummary("RFC 9162 §2.1.3 inclusion proof of one audit entry in a signed tree (Coordinator, Partner).");
        return api;
    }

    private static async Task<Ok<Page<AuditEntryResponse>>> List(ISender sender, CancellationToken ct, string? entityId, string? actor,
        DateTime? from, DateTime? to, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new ListAuditEntries.Query(entityId, actor, from, to, limit ?? Paging.DefaultLimit, cursor), ct));

    private static async Task<Ok<VerifyAuditChain.Result>> Verify(ISender sender, CancellationToken ct, bool? records) =>
        TypedResults.Ok(await sender.Send(new VerifyAuditChain.Query(records ?? false), ct));

    private static async Task<Created<SignedTreeHead>> Sign(ISender sender, CancellationToken ct) =>
        TypedResults.Created("/api/v1/audit/head", (await sender.Send(new SignTreeHead.Command(), ct)).Head);

    private static async Task<Results<Ok<SignedTreeHead>, ProblemHttpResult>> Head(ISender sender, CancellationToken ct) =>
        await sender.Send(new GetSignedTreeHead.Query(), ct) is { } head
            ? TypedResults.Ok(head)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No tree head yet",
                detail: "The instance has not signed a tree head yet; one is signed every few minutes once the audit log has entries.");

    private static async Task<Ok<Page<SignedTreeHead>>> Heads(ISender sender, CancellationToken ct, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new ListSignedTreeHeads.Query(limit ?? Paging.DefaultLimit, cursor), ct));

    private static async Task<Ok<ListSigningKeys.Result>> Keys(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new ListSigningKeys.Query(), ct));

    private static async Task<Ok<GetInclusionProof.Result>> Inclusion(ISender sender, CancellationToken ct, long sequence, long? treeSize) =>
        TypedResults.Ok(await sender.Send(new GetInclusionProof.Query(sequence, treeSize), ct));

    private static async Task<Ok<GetConsistencyProof.Result>> Consistency(ISender sender, CancellationToken ct, long from, long to) =>
        TypedResults.Ok(await sender.Send(new GetConsistencyProof.Query(from, to), ct));
}
