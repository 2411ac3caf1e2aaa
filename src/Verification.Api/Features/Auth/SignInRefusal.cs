using Verification.Api.Infrastructure.Http;

namespace Verification.Api.Features.Auth;

/// <summary>
/// The one refusal of a sign-in (401): the same title and detail whether the account is unknown, the password or code
/// wrong, the account locked or deactivated. Only a right password without the second factor says so.
/// </summary>
public sealed class SignInRefusal(bool twoFactorRequired = false)
    : HttpProblem(StatusCodes.Status401Unauthorized,
        twoFactorRequired ? "Two-factor code required" : "Sign-in failed",
        twoFactorRequired
            ? "Send twoFactorCode (from your authenticator app) or recoveryCode with the email and password."
            : "The sign-in was refused. Check the email, password and code; after repeated failures wait, or ask a coordinator.")
{
    public override IReadOnlyDictionary<string, object?>? Extensions => twoFactorRequired ? TwoFactor : null;

    private static readonly Dictionary<string, object?> TwoFactor = new() { ["twoFactorRequired"] = true };

    public static SignInRefusal Refused() => new();
}
