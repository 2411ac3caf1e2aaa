using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Verification.Api.Infrastructure.Security;

/// <summary>What a sign-in answers: the framework's token response, and whether the password must be changed first.</summary>
public sealed record SignInResponse(string TokenType, string AccessToken, long ExpiresIn, string RefreshToken, bool MustChangePassword);

/// <summary>
/// Issues access and refresh tokens exactly as the framework's bearer-token handler does (same protectors, same
/// lifetimes, so the handler and the refresh route read them), with the one field the handler cannot add:
/// <c>mustChangePassword</c>.
/// </summary>
public sealed class BearerTokens(IOptionsMonitor<BearerTokenOptions> options, TimeProvider clock)
{
    public SignInResponse Issue(ClaimsPrincipal user, bool mustChangePassword)
    {
        var o = options.Get(IdentityConstants.BearerScheme);
        var now = clock.GetUtcNow();
        var access = new AuthenticationTicket(user, new AuthenticationProperties { ExpiresUtc = now + o.BearerTokenExpiration },
            $"{IdentityConstants.BearerScheme}:AccessToken");
        var refresh = new AuthenticationTicket(user, new AuthenticationProperties { ExpiresUtc = now + o.RefreshTokenExpiration },
            $"{IdentityConstants.BearerScheme}:RefreshToken");
        return new SignInResponse("Bearer", o.BearerTokenProtector.Protect(access), (long)o.BearerTokenExpiration.TotalSeconds,
            o.RefreshTokenProtector.Protect(refresh), mustChangePassword);
    }
}
