using Microsoft.Extensions.Logging.Console;

namespace Verification.Api.Infrastructure.Operations;

/// <summary>
/// The console log: one JSON object per line in Production (and any environment but Development), for a log shipper
/// to parse; one readable line per event in Development. Either way no line carries an id from a request's path.
/// </summary>
public static class LoggingSetup
{
    /// <summary>
    /// ASP.NET Core's hosting category logs "Request starting /api/v1/claims/…" and opens a scope holding
    /// RequestPath on every request, which every later line of that request would carry; it opens that scope only
    /// while its category is enabled for some logger. The request line is ours instead (CorrelationMiddleware: the
    /// route pattern, never the path).
    /// </summary>
    internal const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static WebApplicationBuilder AddVerificationLogging(this WebApplicationBuilder builder)
    {
        // SQL text is for debugging sessions, not for the default log: it would drown the request lines.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        if (builder.Environment.IsDevelopment())
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }
        else
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        // After every other filter rule (appsettings, environment, a provider's own rules): a rule for one provider
        // would otherwise outrank a general one and turn the hosting category back on for that provider.
        builder.Services.PostConfigure<LoggerFilterOptions>(options =>
        {
            foreach (var provider in options.Rules.Select(r => r.ProviderName).Distinct().ToList())
                options.Rules.Add(new LoggerFilterRule(provider, HostingCategory, LogLevel.None, filter: null));
        });
        return builder;
    }
}
