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
    /// <summary>The web console (Razor components under /app) signs in with the same cookie.</summary>
    public const string ConsolePrefix = "/app";
    public const string ConsoleSignInPath = "/app/sign-in";

    public static AuthenticationBuilder AddDashboardCookie(this AuthenticationBuilder auth)
    {
        auth.AddPolicyScheme(Scheme, "Bearer token for the API, cookie for the jobs dashboard and the console", o =>
            o.ForwardDefaultSelector = http => UsesCookie(http.Request.Path)
                ? IdentityConstants.ApplicationScheme
                : PartnerAuthentication.SchemeFor(http.Request));

        auth.AddCookie(IdentityConstants.ApplicationScheme, o =>
        {
            // One cookie for the two browser areas (/jobs and /app), so it is scoped to the site root; the API never
            // reads it (the selector above), and SameSite=Strict keeps other sites from sending it.
            o.Cookie.Name = ".Verification.Session";
            o.Cookie.Path = "/";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = SignInPath;
            o.Events = new CookieAuthenticationEvents
            {
                // The security stamp changes with roles and passwords: a coordinator who loses the role loses the dashboard.
                OnValidatePrincipal = SessionStamp.ValidateAsync,
                // A person in a browser is sent to the sign-in form; a script or the dashboard's own polling gets 401.
                OnRedirectToLogin = context =>
                {
                    if (context.Request.Path.StartsWithSegments(ConsolePrefix))
                        context.Response.Redirect(context.Request.PathBase + ConsoleSignInPath + "?returnUrl=" +
                            Uri.EscapeDataString(context.Request.PathBase + context.Request.Path + context.Request.QueryString));
                    else if (AcceptsHtml(context.Request))
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
            o.Cookie.Path = "/";
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

    private static bool UsesCookie(PathString path) => path.StartsWithSegments(PathPrefix) || path.StartsWithSegments(ConsolePrefix);

    private static bool AcceptsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
}
