using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Security;

/// <summary>
/// A bearer token is a snapshot of the account when it was issued. This middleware holds it against the account as
/// it is now, on every request (<see cref="AccountStates"/>: one indexed read of the users table, kept at most 5 s
/// and dropped at once in this process when the account changes): a token whose security stamp is no longer the
/// account's (roles changed, password changed or reset, account deactivated or reactivated, refresh token reuse) or
/// whose account is deactivated counts as no token at all, so the route answers 401. A signed-in account that must
/// first change its password, or a coordinator who must first enrol in two-factor sign-in
/// (Security:RequireTwoFactorForCoordinators), reaches only the routes that do that; anything else is 403.
/// Anonymous requests (health probes, sign-in) touch neither the cache nor the database.
/// </summary>
public sealed class AccountChecks(RequestDelegate next, IOptions<IdentityOptions> identity, IConfiguration configuration, IProblemDetailsService problems,
    AccountStates accounts)
{
    private const string PasswordRoute = "/api/v1/auth/password";
    private const string TwoFactorRoutes = "/api/v1/auth/2fa";
    private readonly bool _requireTwoFactorForCoordinators = configuration.GetValue("Security:RequireTwoFactorForCoordinators", false);
    private readonly string _stampClaim = identity.Value.ClaimsIdentity.SecurityStampClaimType;

    public Task InvokeAsync(HttpContext context)
    {
        var user = context.User;
        // The dashboard cookie is validated by its own handler (SecurityStampValidator); partners carry no stamp.
        if (user.Identity?.IsAuthenticated == true
            && !context.Request.Path.StartsWithSegments(DashboardAuthentication.PathPrefix)
            && user.FindFirstValue(_stampClaim) is { } stamp
            && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
            return CheckAsync(context, user, id, stamp);
        return next(context);
    }

    private async Task CheckAsync(HttpContext context, ClaimsPrincipal user, Guid id, string stamp)
    {
        var account = await accounts.GetAsync(id, stamp, context.RequestServices, context.RequestAborted);
        if (account is null || account.SecurityStamp != stamp || account.Deactivated)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity());
        }
        else if (account.MustChangePassword && !context.Request.Path.StartsWithSegments(PasswordRoute))
        {
            await RefuseAsync(context, "Password change required",
                $"This account signed in with a temporary password: change it with POST {PasswordRoute} first.");
            return;
        }
        else if (_requireTwoFactorForCoordinators && !account.TwoFactorEnabled && user.IsInRole(Roles.Coordinator)
                 && !context.Request.Path.StartsWithSegments(TwoFactorRoutes) && !context.Request.Path.StartsWithSegments(PasswordRoute))
        {
            await RefuseAsync(context, "Two-factor sign-in required",
                $"Coordinators sign in with a second factor here: set it up with {TwoFactorRoutes}/setup and {TwoFactorRoutes}/enable first.");
            return;
        }
        await next(context);
    }

    private async Task RefuseAsync(HttpContext context, string title, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = title, Detail = detail },
        });
    }
}
