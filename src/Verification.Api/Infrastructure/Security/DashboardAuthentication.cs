using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace Verification.Api.Infrastructure.Security;

/// <summary>
/// Browsers do not send bearer tokens, so the jobs dashboard, and only the dashboard, signs people in with a cookie.
/// A policy scheme picks the cookie for paths under /jobs and the bearer token everywhere else: the API never reads
/// the cookie, so a cookie can never be replayed against it (no cross-site request forgery on the API).
/// </summary>
public static class DashboardAuthentication
{
    /// <summary>The default scheme: forwards to the bearer token, or to the dashboard cookie under /jobs.</summary>
    public const string Scheme = "Verification";
    public const string PathPrefix = "/jobs";
    public const string SignInPath = "/jobs/sign-in";

    public static AuthenticationBuilder AddDashboardCookie(this AuthenticationBuilder auth)
    {
        auth.AddPolicyScheme(Scheme, "Bearer token for the API, cookie for the jobs dashboard", o =>
            o.ForwardDefaultSelector = http => http.Request.Path.StartsWithSegments(PathPrefix)
                ? IdentityConstants.ApplicationScheme
                : PartnerAuthentication.SelectingScheme);

        auth.AddCookie(IdentityConstants.ApplicationScheme, o =>
        {
            o.Cookie.Name = ".Verification.Jobs";
            o.Cookie.Path = PathPrefix;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = SignInPath;
            o.Events = new CookieAuthenticationEvents
            {
                // The security stamp changes with roles and passwords: a coordinator who loses the role loses the dashboard.
                OnValidatePrincipal = SecurityStampValidator.ValidatePrincipalAsync,
                // A person in a browser is sent to the sign-in form; a script or the dashboard's own polling gets 401.
                OnRedirectToLogin = context =>
                {
                    if (AcceptsHtml(context.Request))
                        context.Response.Redirect(context.Request.PathBase + SignInPath);
                    else
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                },
                OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                },
            };
        });
        // Checked on every dashboard request (one user lookup) rather than every 30 minutes, so a role change is immediate.
        auth.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);

        auth.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = ".Verification.Antiforgery";
            o.Cookie.Path = PathPrefix;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Behind a proxy that terminates TLS the API sees plain HTTP (it reads no forwarded headers), and
            // antiforgery refuses to run at all with Always there. This cookie is no credential: it only pairs with
            // the form's hidden field.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__antiforgery";
        });
        // The sign-in cookie is Secure whatever the last hop was: a browser only ever sees it over HTTPS. The tests and
        // a developer's machine speak plain HTTP to localhost, so there it follows the request.
        auth.Services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IHostEnvironment>((o, env) => o.Cookie.SecurePolicy =
                env.IsDevelopment() || env.IsEnvironment("Testing") ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always);
        return auth;
    }

    private static bool AcceptsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
}
