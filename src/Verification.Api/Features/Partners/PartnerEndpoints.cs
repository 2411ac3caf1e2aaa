using System.Security.Claims;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Verification.Api.Features.ReadModel;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Claims;
using Verification.Domain.Partners;
using Verification.Domain.Verdicts;

namespace Verification.Api.Features.Partners;

public static class PartnerEndpoints
{
    public sealed record CreatePartnerRequest(string? Name, SharingLevel? SharingLevel);
    public sealed record WebhookRequest(string? Url, IReadOnlyList<string>? Events, WebhookFilter? Filter);

    public static RouteGroupBuilder MapPartnerEndpoints(this RouteGroupBuilder api)
    {
        // Coordinators manage partner organisations and their keys.
        var partners = api.MapGroup("/partners").WithTag("Partners", "Partner organisations and their API keys, managed by coordinators.").RequireAuthorization(Policies.Coordinator);
        partners.MapPost("/", Create)
            .WithSummary("Register a partner organisation with a sharing level; answers its API key, shown this once (Coordinator).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        partners.MapGet("/", List).WithSummary("Partner organisations, oldest first, with each key's visible prefix (Coordinator).");
        partners.MapGet("/{id:guid}", Get).WithSummary("One partner organisation (Coordinator).").ProducesProblem(StatusCodes.Status404NotFound);
        partners.MapPost("/{id:guid}/keys", Rotate)
            .WithSummary("Issue a new API key, shown this once; the old key stops working at once (Coordinator).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        partners.MapDelete("/{id:guid}/keys", Revoke)
            .WithSummary("Revoke the partner's API key: its next request is 401 (Coordinator).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        // Partner organisations, with their API key; nothing else opens these routes, and their key opens nothing else.
        var partner = api.MapGroup("/partner").WithTag("Partner access", "What a partner organisation reads with its API key: decided claims, exports and webhook subscriptions.")
            .RequireAuthorization(Policies.Partner)
            .RequireRateLimiting(PartnerRateLimit.Policy)
            .WithMetadata(new PartnerRouteMetadata())
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        partner.MapGet("/claims", ListClaims)
            .WithSummary("Decided claims, by last change then number, for incremental sync with updatedSince (Partner API key).")
            .Produces<Page<PartnerClaim>>().ProducesValidationProblem();
        partner.MapGet("/claims/{id:guid}", GetClaim)
            .WithSummary("One decided claim; 404 for any claim that is not decided. The ETag is its version, and If-None-Match with it answers 304 (Partner API key).")
            .Produces<PartnerClaim>().Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);
        partner.MapGet("/exports/claims", Export)
            .WithSummary("Every decided claim that matches the filters, streamed as ndjson, csv or geojson (Partner API key).")
            .Produces(StatusCodes.Status200OK, responseType: null, "application/x-ndjson", "text/csv", "application/geo+json")
            .ProducesValidationProblem();
        partner.MapGet("/exports/{exportId:guid}/manifest", Manifest)
            .WithSummary("The signed manifest of one of your exports: count, SHA-256 of the bytes sent, each record's id, version and hash, and the tree head current then (Partner API key).")
            .Produces<GetExportManifest.Manifest>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        partner.MapPost("/webhooks", Subscribe)
            .WithSummary("Subscribe a https url to claim.decided and claim.reopened; answers the signing secret, shown this once (Partner API key).")
            .ProducesValidationProblem();
        partner.MapGet("/webhooks", ListWebhooks).WithSummary("Your webhook subscriptions, oldest first (Partner API key).");
        partner.MapGet("/webhooks/{id:guid}", GetWebhook).WithSummary("One of your webhook subscriptions (Partner API key).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        partner.MapPatch("/webhooks/{id:guid}", ChangeWebhook)
            .WithSummary("Change a subscription's url, events or filter; members left out stay as they are (Partner API key).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        partner.MapDelete("/webhooks/{id:guid}", DeleteWebhook).WithSummary("End a subscription; nothing more is sent to it (Partner API key).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        partner.MapPost("/webhooks/{id:guid}/secret", RotateWebhookSecret)
            .WithSummary("A new signing secret for a subscription, shown this once; the old one signs nothing more (Partner API key).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        partner.MapGet("/webhooks/{id:guid}/deliveries", Deliveries)
            .WithSummary("The delivery log of one of your subscriptions, newest event first, with every attempt (Partner API key).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Created<IssuedKeyResponse>> Create(CreatePartnerRequest body, ISender sender, CancellationToken ct)
    {
        var issued = await sender.Send(new CreatePartner.Command(body.Name, body.SharingLevel), ct);
        return TypedResults.Created($"/api/v1/partners/{issued.Response.Id}", issued.Response);
    }

    private static async Task<Ok<Page<PartnerResponse>>> List(ISender sender, CancellationToken ct, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new ListPartners.Query(limit ?? Paging.DefaultLimit, cursor), ct));

    private static async Task<Ok<PartnerResponse>> Get(Guid id, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetPartner.Query(id), ct));

    private static async Task<Created<IssuedKeyResponse>> Rotate(Guid id, ISender sender, CancellationToken ct)
    {
        var issued = await sender.Send(new RotatePartnerKey.Command(id), ct);
        return TypedResults.Created($"/api/v1/partners/{id}", issued.Response);
    }

    private static async Task<NoContent> Revoke(Guid id, ISender sender, CancellationToken ct)
    {
        await sender.Send(new RevokePartnerKey.Command(id), ct);
        return TypedResults.NoContent();
    }

    // Both reads answer stored documents (Features/ReadModel) for the partner's sharing level.
    private static async Task<IResult> ListClaims(ClaimsPrincipal user, ISender sender, CancellationToken ct,
        DateTimeOffset? updatedSince, string? countryCode, VerdictRating? rating, ViolationType? violationType, int? limit, string? cursor,
        string? q, string? bbox) =>
        (await sender.Send(new ListPartnerClaimDocuments.Query(new ListPartnerClaims.Query(user.Partner(), updatedSince, countryCode, rating, violationType,
            limit ?? Paging.DefaultLimit, cursor, q, bbox)), ct)).ToResult();

    private static async Task<IResult> GetClaim(Guid id, ClaimsPrincipal user, HttpRequest request, ISender sender, CancellationToken ct) =>
        (await sender.Send(new GetPartnerClaimDocument.Query(user.Partner(), id, NoneMatch.KnownVersion(request)), ct)).ToResult();

    private static async Task<StreamedResult> Export(ClaimsPrincipal user, ISender sender, CancellationToken ct, string? format,
        DateTimeOffset? updatedSince, string? countryCode, VerdictRating? rating, ViolationType? violationType, string? q, string? bbox)
    {
        var export = await sender.Send(new ExportPartnerClaims.Command(user.Partner(), format ?? PartnerExportFormats.Ndjson,
            updatedSince, countryCode, rating, violationType, q, bbox), ct);
        return new StreamedResult(export.ContentType, export.FileName, new Dictionary<string, string> { ["X-Export-Id"] = export.ExportId.ToString() },
            async (pipe, aborted) =>
            {
                using var body = new HashedBody(pipe);
                await export.WriteAsync(body, aborted);
            });
    }

    private static async Task<SignedJsonResult> Manifest(Guid exportId, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
        await sender.Send(new GetExportManifest.Query(user.Partner(), exportId), ct);

    private static async Task<Created<CreatedWebhookResponse>> Subscribe(WebhookRequest body, ClaimsPrincipal user, ISender sender, CancellationToken ct)
    {
        var result = await sender.Send(new SubscribeWebhook.Command(user.Partner(), body.Url, body.Events, body.Filter), ct);
        return TypedResults.Created($"/api/v1/partner/webhooks/{result.Webhook.Id}", result.Webhook);
    }

    private static async Task<Ok<WebhookResponse>> GetWebhook(Guid id, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new Partners.GetWebhook.Query(user.Partner(), id), ct));

    private static async Task<Ok<WebhookResponse>> ChangeWebhook(Guid id, [Microsoft.AspNetCore.Mvc.FromBody] System.Text.Json.JsonElement body,
        ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
        TypedResults.Ok((await sender.Send(new Partners.ChangeWebhook.Command(user.Partner(), id, body), ct)).Webhook);

    private static async Task<NoContent> DeleteWebhook(Guid id, ClaimsPrincipal user, ISender sender, CancellationToken ct)
    {
        await sender.Send(new Partners.DeleteWebhook.Command(user.Partner(), id), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<RotateWebhookSecret.SecretResponse>> RotateWebhookSecret(Guid id, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
        TypedResults.Ok((await sender.Send(new Partners.RotateWebhookSecret.Command(user.Partner(), id), ct)).Response);

    private static async Task<Ok<Page<WebhookResponse>>> ListWebhooks(ClaimsPrincipal user, ISender sender, CancellationToken ct, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new Partners.ListWebhooks.Query(user.Partner(), limit ?? Paging.DefaultLimit, cursor), ct));

    private static async Task<Ok<Page<ListWebhookDeliveries.Delivery>>> Deliveries(Guid id, ClaimsPrincipal user, ISender sender, CancellationToken ct,
        int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new ListWebhookDeliveries.Query(user.Partner(), id, limit ?? Paging.DefaultLimit, cursor), ct));
}
