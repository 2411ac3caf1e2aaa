using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// Behind a reverse proxy every request comes from the proxy's address. The framework's forwarded-headers middleware
/// takes the client's address and scheme from X-Forwarded-For and X-Forwarded-Proto, but only when the request comes
/// from a proxy the operator named (Network:KnownProxies, addresses; Network:KnownNetworks, CIDR ranges). From anyone
/// else the headers are ignored, so a client cannot pick its own address to dodge the per-client sign-in limit or to
/// write another address into the logs. With nothing configured, no forwarded header is trusted, not even from
/// loopback (the framework's default would trust loopback).
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = Split(configuration["Network:KnownProxies"], configuration.GetSection("Network:KnownProxies").Get<string[]>());
        var networks = Split(configuration["Network:KnownNetworks"], configuration.GetSection("Network:KnownNetworks").Get<string[]>());
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            // One proxy hop: the address the trusted proxy saw is the client's; anything further left in the list the client wrote itself.
            o.ForwardLimit = 1;
            foreach (var proxy in proxies)
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var address) ? address
                    : throw new InvalidOperationException($"Network:KnownProxies holds '{proxy}', which is not an IP address."));
            foreach (var network in networks)
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var range) ? range
                    : throw new InvalidOperationException($"Network:KnownNetworks holds '{network}', which is not a CIDR range such as 10.0.0.0/8."));
        });
        return services;
    }

    /// <summary>
    /// First in the pipeline, so that logging, HTTPS redirection and rate limiting all see the client. With no proxy
    /// named the middleware is left out altogether: given empty lists it would trust every sender.
    /// </summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;
        return options.KnownProxies.Count + options.KnownIPNetworks.Count == 0 ? app : app.UseForwardedHeaders();
    }

    /// <summary>A comma-separated value (one environment variable) or a JSON array; both are accepted.</summary>
    private static IEnumerable<string> Split(string? single, string[]? list) =>
        (list is { Length: > 0 } ? list : (single ?? "").Split(',', ';'))
        .Select(s => s.Trim()).Where(s => s.Length > 0);
}
