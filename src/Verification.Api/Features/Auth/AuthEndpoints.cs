using Verification.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Mediator;
using Microsoft.AspNetCore.Identity;
using Verification.Api.Infrastructure.Security;

namespace Verification.Api.Features.Auth;

public static class AuthEndpoints
{
    public sealed record LoginRequest(string Email, string Password, string? TwoFactorCode, string? RecoveryCode);
    public sealed record RefreshRequest(string RefreshToken);
    public sealed record ChangePasswordRequest(string CurrentPassword, string NewPassword);
    public sealed record EnableTwoFactorRequest(string Code);
    public sealed record TwoFactorSetupResponse(string SharedKey, string OtpauthUri);
    public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/auth").WithTag("Authentication", "Staff sign-in: an access token (15 minutes) and a refresh token, traded for a new pair at /auth/refresh.").AllowAnonymous().RequireRateLimiting("sign-in");
        group.MapPost("/login", SignIn)
            .WithSummary("Sign in with email and password (and twoFactorCode or recoveryCode once two-factor sign-in is on); answers an access token, its lifetime in seconds, a refresh token and mustChangePassword.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/refresh", RefreshToken)
            .WithSummary("Trade a refresh token for a new access token.")
            .Produces<Microsoft.AspNetCore.Authentication.BearerToken.AccessTokenResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        // The account's own settings: any signed-in staff member, for themselves only.
        var account = api.MapGroup("/auth").WithTags("Authentication").RequireAuthorization(Policies.Staff);
        account.MapPost("/password", ChangeOwnPassword)
            .WithSummary("Change one's own password; answers fresh tokens, and every other session of the account ends.")
            .ProducesValidationProblem();
        account.MapPost("/2fa/setup", SetUp).WithSummary("Start two-factor enrolment: a new TOTP shared key and its otpauth:// URI.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        account.MapPost("/2fa/enable", Enable).WithSummary("Turn two-factor sign-in on with a current code; answers recovery codes, shown once.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        account.MapPost("/2fa/disable", Disable).WithSummary("Turn two-factor sign-in off; every session of the account ends.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Ok<SignInResponse>> SignIn(LoginRequest body, ISender sender, BearerTokens tokens, CancellationToken ct)
    {
        var result = await sender.Send(new Login.Command(body.Email, body.Password, body.TwoFactorCode, body.RecoveryCode), ct);
        return TypedResults.Ok(tokens.Issue(result.Principal, result.MustChangePassword));
    }

    private static async Task<IResult> RefreshToken(RefreshRequest body, ISender sender, CancellationToken ct) =>
        TypedResults.SignIn(await sender.Send(new Refresh.Command(body.RefreshToken), ct), authenticationScheme: IdentityConstants.BearerScheme);

    private static async Task<Ok<SignInResponse>> ChangeOwnPassword(ChangePasswordRequest body, ISender sender, CancellationToken ct) =>
        TypedResults.Ok((await sender.Send(new ChangePassword.Command(body.CurrentPassword, body.NewPassword), ct)).Tokens);

    private static async Task<Ok<TwoFactorSetupResponse>> SetUp(ISender sender, CancellationToken ct)
    {
        var result = await sender.Send(new SetUpTwoFactor.Command(), ct);
        return TypedResults.Ok(new TwoFactorSetupResponse(result.SharedKey, result.OtpauthUri));
    }

    private static async Task<Ok<RecoveryCodesResponse>> Enable(EnableTwoFactorRequest body, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(new RecoveryCodesResponse((await sender.Send(new EnableTwoFactor.Command(body.Code), ct)).RecoveryCodes));

    private static async Task<NoContent> Disable(ISender sender, CancellationToken ct)
    {
        await sender.Send(new DisableTwoFactor.Command(), ct);
        return TypedResults.NoContent();
    }
}
