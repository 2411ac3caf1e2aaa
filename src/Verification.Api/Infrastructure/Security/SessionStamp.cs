using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Security;

/// <summary>
/// Checks a browser session (the console's and the dashboard's cookie) against the account on every request: a changed
/// security stamp (password, roles, "sign out everywhere") or a removed account ends the session; otherwise the
/// principal is rebuilt from the account, so a role change takes effect at once. Identity's own validator does the same
/// but then signs out of the external and two-factor cookie schemes too, which this host does not register (an
/// exception, so a 500, instead of the sign-in page).
/// </summary>
public static class SessionStamp
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var users = services.GetRequiredService<UserManager<StaffUser>>();
        var stampClaim = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var user = context.Principal is { } principal ? await users.GetUserAsync(principal) : null;
        if (user is not null && context.Principal!.FindFirstValue(stampClaim) is { } stamp && stamp == await users.GetSecurityStampAsync(user))
        {
            context.ReplacePrincipal(await services.GetRequiredService<SignInManager<StaffUser>>().CreateUserPrincipalAsync(user));
            context.ShouldRenew = true;
            return;
        }
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }
}
