using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Verification.Persistence;

namespace Verification.Api.WebConsole;

/// <summary>
/// The web console under /app: Razor components rendered on the server (static rendering; no WebAssembly, no
/// circuit), signed in with the Identity cookie that only /app and /jobs read. Pages send the same Mediator commands
/// and queries as the HTTP endpoints, so every rule is the pipeline's.
/// </summary>
public static class ConsoleSetup
{
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddConsoleCulture();
        return services;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        // Runs after routing and authentication, before the endpoint: only the console's requests get a culture.
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/app"), branch => branch.UseRequestLocalization());
        app.MapConsoleAssets();
        app.MapGet("/app/language", ConsoleCulture.Switch).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/app/sign-out", SignOutAsync).ExcludeFromDescription();
        app.MapConsoleUploads();
        app.MapConsoleImports();
        app.MapRazorComponents<App>();
        return app;
    }

    /// <summary>
    /// Signing out ends this browser's session; "everywhere" also changes the security stamp, which every other
    /// session's cookie is checked against on its next request (the validation interval is zero).
    /// </summary>
    /// <remarks>A form-bound parameter makes the antiforgery middleware check the token first (a 400 without it).</remarks>
    private static async Task<IResult> SignOutAsync(HttpContext http, [Microsoft.AspNetCore.Mvc.FromForm] string? everywhere, UserManager<StaffUser> users)
    {
        if (everywhere == "true" && await users.GetUserAsync(http.User) is { } user)
            await users.UpdateSecurityStampAsync(user);
        await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        return TypedResults.Redirect("/app/sign-in");
    }
}
