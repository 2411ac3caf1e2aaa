using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Verification.Api.Infrastructure.Persistence;

namespace Verification.Api.Infrastructure.Security;

/// <summary>
/// The bearer-token handler decrypts the token on every request (Data Protection: a key-ring lookup, AES and HMAC,
/// then the ticket's deserialisation). This keeps the decrypted ticket per token until the token expires, in a
/// bounded cache of its own; a token that does not decrypt is never kept. What the cache returns is what decryption
/// would return: the handler still checks the expiry on each request, and <see cref="AccountChecks"/> still holds the
/// token's security stamp against the account. An account's cached tokens are dropped at once when the account
/// changes in this process (<see cref="AccountStates.Watch"/>). Refresh tokens are not cached: they are used once.
/// </summary>
public sealed class CachedTicketFormat(ISecureDataFormat<AuthenticationTicket> inner, AccountStates accounts, TimeProvider clock)
    : ISecureDataFormat<AuthenticationTicket>, IDisposable
{
    /// <summary>Tokens kept at most; beyond it the cache evicts, and those tokens are decrypted again.</summary>
    public const int Capacity = 10_000;

    private readonly MemoryCache _tickets = new(new MemoryCacheOptions { SizeLimit = Capacity, CompactionPercentage = 0.25 });

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (string.IsNullOrEmpty(protectedText))
            return inner.Unprotect(protectedText, purpose);
        if (purpose is null && _tickets.TryGetValue(protectedText, out AuthenticationTicket? cached))
            return cached;
        var ticket = inner.Unprotect(protectedText, purpose);
        if (purpose is null && ticket?.Properties.ExpiresUtc is { } expires && expires > clock.GetUtcNow()
            && Guid.TryParse(ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            var entry = new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expires };
            entry.ExpirationTokens.Add(accounts.Watch(userId));
            _tickets.Set(protectedText, ticket, entry);
        }
        return ticket;
    }

    public void Dispose() => _tickets.Dispose();
}

public static class CachedBearerTokens
{
    /// <summary>Wraps the staff bearer scheme's access-token format (after the framework has set it) in the cache.</summary>
    public static IServiceCollection AddCachedBearerTokens(this IServiceCollection services)
    {
        services.AddSingleton<AccountStates>();
        // PostgreSQL: other instances' account changes (and claim writes, for ClaimVersions) reach this instance's caches
        // (a no-op on the other providers).
        services.AddHostedService<ChangeNoticeListener>();
        services.AddSingleton<IPostConfigureOptions<BearerTokenOptions>, WrapAccessTokens>();
        return services;
    }

    private sealed class WrapAccessTokens(AccountStates accounts, TimeProvider clock) : IPostConfigureOptions<BearerTokenOptions>
    {
        public void PostConfigure(string? name, BearerTokenOptions options)
        {
            if (name == IdentityConstants.BearerScheme && options.BearerTokenProtector is not CachedTicketFormat)
                options.BearerTokenProtector = new CachedTicketFormat(options.BearerTokenProtector, accounts, clock);
        }
    }
}
