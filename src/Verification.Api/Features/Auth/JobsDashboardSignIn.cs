using System.Text.Encodings.Web;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Persistence;

namespace Verification.Api.Features.Auth;

/// <summary>
/// Signing in to the jobs dashboard from a browser: a plain HTML form (no script), checked by the same Login command
/// as the API (so lockout applies), answered with the dashboard cookie. Only coordinators get a cookie.
/// </summary>
public static class JobsDashboardSignIn
{
    // The page's own policy: no script at all, its inline style, and a form that may post only back here.
    private const string PagePolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IEndpointRouteBuilder MapJobsDashboardSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(DashboardAuthentication.SignInPath, Form).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(DashboardAuthentication.SignInPath, SignIn).AllowAnonymous().RequireRateLimiting("sign-in").ExcludeFromDescription();
        return app;
    }

    private static IResult Form(HttpContext http, IAntiforgery antiforgery) => Page(http, antiforgery, null, StatusCodes.Status200OK);

    /// <summary>The antiforgery middleware has already checked the hidden token by the time this runs (a form-bound endpoint).</summary>
    private static async Task<IResult> SignIn([FromForm] string? email, [FromForm] string? password, [FromForm] string? code, HttpContext http,
        IAntiforgery antiforgery, ISender sender, CancellationToken ct)
    {
        System.Security.Claims.ClaimsPrincipal principal;
        try
        {
            var result = await sender.Send(new Login.Command(email ?? string.Empty, password ?? string.Empty,
                string.IsNullOrWhiteSpace(code) ? null : code), ct);
            if (result.MustChangePassword)
                return Page(http, antiforgery, "This account has a temporary password: change it through the API first.", StatusCodes.Status403Forbidden);
            principal = result.Principal;
        }
        catch (ValidationException)
        {
            return Page(http, antiforgery, "Enter your email and password.", StatusCodes.Status400BadRequest);
        }
        catch (HttpProblem problem) when (problem.Status == StatusCodes.Status401Unauthorized)
        {
            return Page(http, antiforgery, problem.Message, StatusCodes.Status401Unauthorized);
        }
        if (!principal.IsInRole(Roles.Coordinator))
            return Page(http, antiforgery, "The jobs dashboard is for coordinators only.", StatusCodes.Status403Forbidden);

        await http.SignInAsync(IdentityConstants.ApplicationScheme, principal, new AuthenticationProperties { IsPersistent = false });
        return TypedResults.Redirect(http.Request.PathBase + DashboardAuthentication.PathPrefix);
    }

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, string? message, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        http.Response.Headers.ContentSecurityPolicy = PagePolicy;
        http.Response.Headers.CacheControl = "no-store";
        var html = HtmlEncoder.Default;
        var notice = message is null ? string.Empty : $"<p class=\"notice\" role=\"alert\">{html.Encode(message)}</p>";
        var body = $$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in · Verification jobs</title>
            <style>
            body { font: 16px/1.5 system-ui, sans-serif; max-width: 22rem; margin: 4rem auto; padding: 0 1rem; color: #222; }
            label { display: block; margin-top: 1rem; }
            input { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; }
            button { margin-top: 1.5rem; padding: .5rem 1.5rem; font: inherit; }
            .notice { padding: .5rem .75rem; background: #fdecea; border-left: 4px solid #c62828; }
            </style>
            </head>
            <body>
            <h1>Verification jobs</h1>
            <p>The background jobs dashboard is for coordinators.</p>
            {{notice}}
            <form method="post" action="{{html.Encode(http.Request.PathBase + DashboardAuthentication.SignInPath)}}">
            <input type="hidden" name="{{html.Encode(tokens.FormFieldName)}}" value="{{html.Encode(tokens.RequestToken ?? string.Empty)}}">
            <label>Email <input type="email" name="email" autocomplete="username" required></label>
            <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
            <label>Two-factor code (if enabled) <input type="text" name="code" autocomplete="one-time-code" inputmode="numeric"></label>
            <button type="submit">Sign in</button>
            </form>
            </body>
            </html>
            """;
        return Results.Content(body, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
    }
}
