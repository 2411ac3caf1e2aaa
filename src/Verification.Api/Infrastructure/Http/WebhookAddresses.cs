using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Verification.Api.Infrastructure.Http;

/// <summary>Operator settings of webhook delivery (Webhooks:*).</summary>
public sealed class WebhookOptions
{
    /// <summary>Allow loopback and private networks, and plain http (tests, closed networks). Link-local stays refused.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>The first retry waits about this long; each later one twice as long as the one before.</summary>
    public int BaseRetrySeconds { get; set; } = 30;

    /// <summary>No retry waits longer than this (six hours).</summary>
    public int MaxRetrySeconds { get; set; } = 6 * 60 * 60;

    /// <summary>How long a receiver has to answer, connection included.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>How many due messages one run of the sender takes at most.</summary>
    public int BatchSize { get; set; } = 100;
}

/// <summary>Turns a host name into addresses; the DNS by default. One seam, so the checks below can be proven with any answer.</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

public sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}

/// <summary>A webhook connection that the address rules refused before a byte was sent.</summary>
public sealed class WebhookAddressRefused(string reason) : Exception(reason);

/// <summary>
/// Where webhooks may go (server-side request forgery, OWASP API7): not to loopback, private or link-local addresses,
/// where the server's own services and a cloud's metadata service answer. The rules are applied twice: to the URL when a
/// partner subscribes, and to the very address being connected to when a delivery goes out, so a name that later
/// resolves elsewhere (DNS rebinding) is refused too. Redirects are never followed.
/// </summary>
public sealed class WebhookAddressPolicy(IOptions<WebhookOptions> options, IHostResolver resolver)
{
    private bool AllowPrivate => options.Value.AllowPrivateNetworks;

    /// <summary>Why a webhook may not go to this URL, or null when it may.</summary>
    public async Task<string?> RefusalOfUrlAsync(string? url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            return "A webhook url is an absolute https address.";
        if (uri.Scheme == "http" && !AllowPrivate)
            return "A webhook url must use https (plain http only where the operator set Webhooks:AllowPrivateNetworks=true).";
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return "A webhook url must not carry credentials; the signature authenticates each delivery.";
        IPAddress[] addresses;
        try
        {
            addresses = await AddressesOf(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return $"The host {uri.Host} does not resolve.";
        }
        if (addresses.Length == 0)
            return $"The host {uri.Host} does not resolve.";
        return addresses.Select(RefusalOf).FirstOrDefault(r => r is not null);
    }

    /// <summary>Why a webhook may not be sent to this address, or null when it may.</summary>
    public string? RefusalOf(IPAddress address) => AddressRanges.Classify(address) switch
    {
        AddressClass.Public => null,
        AddressClass.LinkLocal => $"{address} is a link-local address (where cloud metadata services answer); webhooks never go there.",
        AddressClass.Unusable => $"{address} is not a unicast address a webhook can be delivered to.",
        AddressClass.LoopbackOrPrivate when AllowPrivate => null,
        _ => $"{address} is a loopback or private address; webhooks go to public https endpoints. An operator can allow " +
             "loopback and private addresses (tests, closed networks) with Webhooks:AllowPrivateNetworks=true.",
    };

    /// <summary>
    /// The connection of the webhook client: resolves the host itself, refuses the whole connection when any address is
    /// not allowed, and connects only to the addresses it checked.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await AddressesOf(host, ct);
        if (addresses.Length == 0)
            throw new WebhookAddressRefused($"The host {host} does not resolve.");
        foreach (var address in addresses)
        {
            if (RefusalOf(address) is { } why)
                throw new WebhookAddressRefused(why);
        }
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    private async Task<IPAddress[]> AddressesOf(string host, CancellationToken ct)
    {
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(literal, out var address))
            return [address];
        return await resolver.ResolveAsync(host, ct);
    }

    /// <summary>
    /// The webhook client: no redirects (a 3xx could point anywhere; it counts as a failed attempt), no proxy (the
    /// checked address must be the one connected to), no cookies, and a short life for pooled connections so names are
    /// resolved, and checked, again.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(IServiceProvider services)
    {
        var policy = services.GetRequiredService<WebhookAddressPolicy>();
        var timeout = TimeSpan.FromSeconds(services.GetRequiredService<IOptions<WebhookOptions>>().Value.TimeoutSeconds);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = policy.ConnectAsync,
        };
    }
}

public enum AddressClass
{
    Public,
    LoopbackOrPrivate,
    LinkLocal,
    Unusable,
}

/// <summary>The address ranges of RFC 6890 that matter for where a server may send requests.</summary>
public static class AddressRanges
{
    public static AddressClass Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        return address.AddressFamily == AddressFamily.InterNetwork ? ClassifyV4(address.GetAddressBytes()) : ClassifyV6(address);
    }

    private static AddressClass ClassifyV4(byte[] b) => b switch
    {
        [169, 254, ..] => AddressClass.LinkLocal,
        [0, ..] or [>= 224, ..] => AddressClass.Unusable,                  // "this network", multicast, reserved, broadcast
        [127, ..] => AddressClass.LoopbackOrPrivate,
        [10, ..] => AddressClass.LoopbackOrPrivate,
        [172, >= 16 and <= 31, ..] => AddressClass.LoopbackOrPrivate,
        [192, 168, ..] => AddressClass.LoopbackOrPrivate,
        [100, >= 64 and <= 127, ..] => AddressClass.LoopbackOrPrivate,     // carrier-grade NAT (RFC 6598)
        [198, 18 or 19, ..] => AddressClass.LoopbackOrPrivate,             // benchmarking (RFC 2544)
        [192, 0, 0, _] => AddressClass.LoopbackOrPrivate,                  // IETF protocol assignments
        _ => AddressClass.Public,
    };

    private static AddressClass ClassifyV6(IPAddress address)
    {
        var b = address.GetAddressBytes();
        if (address.IsIPv6LinkLocal || b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
            return AddressClass.LinkLocal;                                    // fe80::/10
        if (address.Equals(IPAddress.IPv6Any) || address.IsIPv6Multicast)
            return AddressClass.Unusable;
        if (address.Equals(IPAddress.IPv6Loopback))
            return AddressClass.LoopbackOrPrivate;
        if ((b[0] & 0xfe) == 0xfc || address.IsIPv6SiteLocal)
            return AddressClass.LoopbackOrPrivate;                            // unique local fc00::/7, old site-local fec0::/10
        if (b[0] == 0x00 || address.IsIPv6Teredo || b[0] == 0x20 && b[1] == 0x02)
            return AddressClass.Unusable;                                     // IPv4-compatible, NAT64, Teredo and 6to4 can hide any IPv4 address
        return AddressClass.Public;
    }
}
