using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Security;

namespace Verification.Api.Features.Partners;

public static class PartnerSetup
{
    /// <summary>Partner access: claim reads, exports, the webhook outbox and its sender, the per-partner rate limit.</summary>
    public static IServiceCollection AddPartnerAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection("Webhooks"));
        services.AddSingleton<IHostResolver, DnsHostResolver>();
        services.AddSingleton<WebhookAddressPolicy>();
        services.AddSingleton<WebhookSecrets>();
        services.AddScoped<PartnerClaimReader>();
        services.AddScoped<WebhookOutbox>();
        services.AddHttpClient(DeliverWebhooks.ClientName).ConfigurePrimaryHttpMessageHandler(WebhookAddressPolicy.CreateHandler);
        services.AddSingleton<IAuthorizationHandler, PartnerConfinement>();
        var requestsPerMinute = configuration.GetValue("Partners:RequestsPerMinute", 120);
        services.Configure<RateLimiterOptions>(o => o.AddPartnerPolicy(requestsPerMinute));
        services.AddRecurringCommand("deliver-webhooks", new DeliverWebhooks.Command(), Cron.Minutely());
        return services;
    }
}
