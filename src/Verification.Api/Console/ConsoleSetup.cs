using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Verification.Persistence;

namespace Verification.Api.WebConsole;

/// <summary>
/// The web console under /app: Razor components rendered on the server (static rendering; no WebAssembly, no
/// circuit) with Blazor's enhanced navigation and forms, signed in with the Identity cookie that only /app and /jobs
/// read. Pages send the same Mediator commands and queries as the HTTP endpoints, so every rule is the pipeline's.
/// </summary>
public static class ConsoleSetup
{
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddConsoleCulture();
        services.AddSingleton<ConsoleFrameworkScript>();
        return services;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        // Runs after routing and authentication, before the endpoint: only the console's requests get a culture.
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/app"), branch => branch.UseRequestLocalization());
        app.MapConsoleAssets();
        // blazor.web.js (enhanced navigation and forms), precompressed and fingerprinted, from the static web assets
        // manifest; public like the console's own script (the sign-in page needs it). A published host has the files
        // in wwwroot; a host run from its build output (the tests, `dotnet run` in any environment) finds them through
        // the build's runtime manifest, which ASP.NET Core reads by itself only in Development (without the manifest,
        // as when published, this does nothing).
        if (!app.Environment.IsDevelopment())
            Microsoft.AspNetCore.Hosting.StaticWebAssets.StaticWebAssetsLoader.UseStaticWebAssets(app.Environment, app.Configuration);
        // A build's manifest would switch on the static-assets reloader (every asset answered no-cache, and a catch-all
        // GET route for files missing from the manifest); there is nothing of ours to reload, so every host answers as a
        // published one does: fingerprinted, immutable, a year. An operator may still set the key.
        app.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";
        app.MapStaticAssets().AllowAnonymous();
        app.Services.GetRequiredService<ConsoleFrameworkScript>().Resolve(app);
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
