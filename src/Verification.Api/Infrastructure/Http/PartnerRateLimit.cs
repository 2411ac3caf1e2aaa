using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Verification.Api.Infrastructure.Security;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// Each partner organisation gets its own budget of requests per minute (Partners:RequestsPerMinute), so one partner's
/// sync loop cannot slow the others or the staff. Over it: 429 with Retry-After (RateLimitProblems). The window is fixed:
/// Retry-After is the window's length, an upper bound that is never too short.
/// </summary>
public static class PartnerRateLimit
{
    public const string Policy = "partner";

    public static void AddPartnerPolicy(this RateLimiterOptions options, int requestsPerMinute) =>
        options.AddPolicy(Policy, http => RateLimitPartition.GetFixedWindowLimiter(
            http.User.FindFirstValue(PartnerAuthentication.PartnerIdClaim) ?? "(not a partner)",
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, requestsPerMinute),
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
}
