using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Verification.Api.WebConsole;

/// <summary>
/// English and French: the choice remembered in a cookie (the switcher), else the browser's Accept-Language, else
/// English. Dates and numbers follow the same culture; stored times stay UTC and say so.
/// </summary>
public static class ConsoleCulture
{
    public static readonly string[] Supported = ["en", "fr"];

    public static IServiceCollection AddConsoleCulture(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture("en").AddSupportedCultures(Supported).AddSupportedUICultures(Supported);
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
            // The cookie first (an explicit choice), then the browser's languages; no query string (links stay clean).
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    /// <summary>The switcher: remembers the choice for a year and goes back to the page it came from.</summary>
    public static IResult Switch(HttpContext http, string? culture, string? returnUrl)
    {
        if (culture is not null && Supported.Contains(culture))
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Path = "/app", MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, IsEssential = true, Secure = http.Request.IsHttps });
        var back = returnUrl is not null && returnUrl.StartsWith("/app", StringComparison.Ordinal) && !returnUrl.StartsWith("//", StringComparison.Ordinal)
                   && !returnUrl.Contains('\\') ? returnUrl : "/app";
        return TypedResults.Redirect(back);
    }

    public static string Language => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "fr" ? "fr" : "en";
}
