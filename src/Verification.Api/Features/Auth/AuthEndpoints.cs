using Verification.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace Verification.Api.Features.Auth;

public static class AuthEndpoints
{
    public sealed record LoginRequest(string Email, string Password);
    public sealed record RefreshRequest(string RefreshToken);

    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/auth").WithTag("Authentication", "Staff sign-in: an access token (15 minutes) and a refresh token, traded for a new pair at /auth/refresh.").AllowAnonymous().RequireRateLimiting("sign-in");
        group.MapPost("/login", SignIn)
            .WithSummary("Sign in with email and password; answers an access token, its lifetime in seconds and a refresh token.")
            .Produces<Microsoft.AspNetCore.Authentication.BearerToken.AccessTokenResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/refresh", RefreshToken)
            .WithSummary("Trade a refresh token for a new access token.")
            .Produces<Microsoft.AspNetCore.Authentication.BearerToken.AccessTokenResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return api;
    }

    private static async Task<IResult> SignIn(LoginRequest body, ISender sender, CancellationToken ct) =>
        TypedResults.SignIn(await sender.Send(new Login.Command(body.Email, body.Password), ct), authenticationScheme: IdentityConstants.BearerScheme);

    private static async Task<IResult> RefreshToken(RefreshRequest body, ISender sender, CancellationToken ct) =>
        TypedResults.SignIn(await sender.Send(new Refresh.Command(body.RefreshToken), ct), authenticationScheme: IdentityConstants.BearerScheme);
}
