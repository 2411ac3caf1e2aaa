using Hangfire;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Security;

namespace Verification.Api.Features.Notifications;

public sealed record NotificationWebhookRequest(string? Url);

public static class NotificationEndpoints
{
    public const string MarkOverdueWorkId = "mark-overdue-work";
    public const string DeliverNotificationsId = "deliver-notifications";

    /// <summary>The notifier used by the commands that cause notifications, the overdue check and the webhook sender.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddScoped<Notifier>();
        services.AddRecurringCommand(MarkOverdueWorkId, new MarkOverdueWork.Command(), "*/15 * * * *");
        services.AddRecurringCommand(DeliverNotificationsId, new DeliverNotifications.Command(), Cron.Minutely());
        return services;
    }

    public static RouteGroupBuilder MapNotificationEndpoints(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("/me").WithTag("Daily work", "What waits for each member of staff, reviewer assignment, comments: the routes a team works in all day.")
            .RequireAuthorization(Policies.Staff);
        me.MapGet("/notifications", List)
            .WithSummary("Your notifications, newest first, with the unread count (staff).")
            .ProducesValidationProblem();
        me.MapPost("/notifications/{id:guid}/read", MarkRead)
            .WithSummary("Marks one of your notifications as read.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        me.MapPost("/notifications/read", MarkAllRead)
            .WithSummary("Marks all your notifications as read.");
        me.MapGet("/notification-webhook", GetWebhook)
            .WithSummary("Where copies of your notifications go (never the secret).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        me.MapPut("/notification-webhook", SetWebhook)
            .WithSummary("Sends copies of your notifications to a url (partner webhook rules); answers a new signing secret, shown once.")
            .ProducesValidationProblem();
        me.MapDelete("/notification-webhook", DeleteWebhook)
            .WithSummary("Stops sending copies of your notifications.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<ListNotifications.Response>> List(ISender sender, CancellationToken ct, bool? unread, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new ListNotifications.Query(unread, limit ?? Paging.DefaultLimit, cursor), ct));

    private static async Task<NoContent> MarkRead(Guid id, ISender sender, CancellationToken ct)
    {
        await sender.Send(new MarkNotificationRead.Command(id), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<MarkAllNotificationsRead.Result>> MarkAllRead(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new MarkAllNotificationsRead.Command(), ct));

    private static async Task<Ok<NotificationWebhookResponse>> GetWebhook(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetNotificationWebhook.Query(), ct));

    private static async Task<Ok<SetNotificationWebhookResponse>> SetWebhook(NotificationWebhookRequest body, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new SetNotificationWebhook.Command(body.Url), ct));

    private static async Task<NoContent> DeleteWebhook(ISender sender, CancellationToken ct)
    {
        await sender.Send(new DeleteNotificationWebhook.Command(), ct);
        return TypedResults.NoContent();
    }
}
