using Hangfire;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Search;
using Verification.Api.Pipeline;

namespace Verification.Api.Features.Search;

public static class SearchSetup
{
    /// <summary>
    /// Full-text search: the projection that keeps each claim's search text inside every command's transaction, and a
    /// recurring job that writes it for claims that have none (claims from before the search migration).
    /// </summary>
    public static IServiceCollection AddClaimSearch(this IServiceCollection services)
    {
        services.AddScoped<IClaimProjection, ClaimSearchProjection>();
        services.AddRecurringCommand("rebuild-claim-search", new RebuildClaimSearch.Command(), Cron.Hourly());
        return services;
    }
}
