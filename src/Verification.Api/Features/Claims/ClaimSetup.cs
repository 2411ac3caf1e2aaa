using Verification.Api.Infrastructure.Jobs;

namespace Verification.Api.Features.Claims;

public static class ClaimSetup
{
    /// <summary>The claims area's recurring job: duplicate screening, three times an hour.</summary>
    public static IServiceCollection AddClaimJobs(this IServiceCollection services) =>
        services.AddRecurringCommand(RecurringJobs.FlagPossibleDuplicatesId, new FlagPossibleDuplicates.Command(), "7,27,47 * * * *");
}
