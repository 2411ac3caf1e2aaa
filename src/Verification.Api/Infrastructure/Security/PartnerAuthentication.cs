using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Verification.Api.Infrastructure.Persistence;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Security;

/// <summary>
/// Partner organisations authenticate with an API key (<c>Authorization: ApiKey &lt;key&gt;</c> or <c>X-Api-Key</c>);
/// staff with Identity bearer tokens. The default scheme looks at the headers and forwards to one of the two, so each
/// route needs no scheme of its own and a partner principal never carries a staff role (nor the other way round).
/// </summary>
public static class PartnerAuthentication
{
    public const string Scheme = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string PartnerRole = "Partner";
    public const string PartnerIdClaim = "partner_id";
    public const string SharingLevelClaim = "sharing_level";

    public static AuthenticationBuilder AddPartnerApiKey(this AuthenticationBuilder authentication)
    {
        authentication.Services.AddScoped<PartnerKeys>();
        authentication.AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(Scheme, _ => { });
        return authentication;
    }

    /// <summary>
    /// The scheme of an API request: the partner key when one is presented, the staff bearer token otherwise. The default
    /// scheme's selector (<see cref="DashboardAuthentication"/>) calls it directly: a second policy scheme in between cost
    /// a handler of its own, created and forwarded through, on every request.
    /// </summary>
    internal static string SchemeFor(HttpRequest request) => PresentsApiKey(request) ? Scheme : IdentityConstants.BearerScheme;

    internal static bool PresentsApiKey(HttpRequest request) =>
        request.Headers.ContainsKey(HeaderName)
        || request.Headers.Authorization.ToString().StartsWith(Scheme + " ", StringComparison.OrdinalIgnoreCase);

    /// <summary>The key the request presents, or null when it presents none.</summary>
    internal static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith(Scheme + " ", StringComparison.OrdinalIgnoreCase))
            return authorization[(Scheme.Length + 1)..].Trim();
        return request.Headers.TryGetValue(HeaderName, out var header) ? header.ToString().Trim() : null;
    }

    /// <summary>The partner behind a request that passed the Partner policy.</summary>
    public static PartnerCaller Partner(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(PartnerIdClaim), out var id)
        && Enum.TryParse<SharingLevel>(principal.FindFirstValue(SharingLevelClaim), out var level)
            ? new PartnerCaller(id, level)
            : throw new InvalidOperationException("The caller is not a partner; partner routes require the Partner policy.");
}

/// <summary>The partner organisation making a request, as its key says on this request.</summary>
public sealed record PartnerCaller(Guid Id, SharingLevel SharingLevel);

/// <summary>
/// Finds the partner that holds a presented key. The lookup is by the visible prefix; the hashes are then compared in
/// constant time, so response timing does not reveal how much of a guessed key was right. Read on every request, never
/// cached: a rotated or revoked key fails on the very next request. Where the host runs prepared reads, the lookup is
/// EF Core's own SQL run as a prepared statement (<see cref="PreparedQuery"/>): still one read of the committed rows per
/// request, without EF's query pipeline (the query was a tenth of a partner page's CPU). The context is leased only
/// when the prepared statement is first built or the provider keeps EF Core.
/// </summary>
public sealed class PartnerKeys(IServiceProvider services, PreparedQueries prepared)
{
    private const string LookupName = "PartnerKeys.Lookup";

    public async Task<PartnerCaller?> FindAsync(string presented, CancellationToken ct)
    {
        if (PartnerApiKey.PrefixOf(presented) is not { } prefix)
            return null;
        var candidates = prepared.Enabled
            ? await prepared.Get(LookupName, services, static s => Prepare(s.GetRequiredService<VerificationDb>())).ReadAsync(ReadAsync, ct, prefix)
            : await Candidates(services.GetRequiredService<VerificationDb>(), prefix).ToListAsync(ct);
        var hash = PartnerApiKey.HashOf(presented);
        PartnerCaller? match = null;
        foreach (var candidate in candidates)
        {
            if (CryptographicOperations.FixedTimeEquals(Convert.FromHexString(candidate.KeyHash), hash))
                match = new PartnerCaller(candidate.Id, candidate.SharingLevel);
        }
        return match;
    }

    /// <summary>The partners whose active key has <paramref name="prefix"/>: what is compared with the presented key.</summary>
    internal static IQueryable<Candidate> Candidates(VerificationDb db, string prefix) =>
        db.Partners.AsNoTracking()
            .Where(p => p.KeyPrefix == prefix && p.KeyRevokedAt == null)
            .Select(p => new Candidate(p.Id, p.SharingLevel, p.KeyHash));

    internal static PreparedQuery Prepare(VerificationDb db) => PreparedQuery.For(db, Candidates(db, Sentinel.Text), Sentinel.Text);

    /// <summary>The statement's columns in the order of <see cref="Candidate"/>'s constructor; the level is stored by name.</summary>
    internal static async Task<List<Candidate>> ReadAsync(System.Data.Common.DbDataReader reader, CancellationToken ct)
    {
        var candidates = new List<Candidate>(1);
        while (await reader.ReadAsync(ct))
            candidates.Add(new Candidate(reader.GetGuid(0), Enum.Parse<SharingLevel>(reader.GetString(1)), reader.GetString(2)));
        return candidates;
    }

    internal sealed record Candidate(Guid Id, SharingLevel SharingLevel, string KeyHash);
}

public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PartnerAuthentication.PresentedKey(Request);
        if (presented is null)
            return AuthenticateResult.NoResult();
        if (presented.Length == 0)
            return AuthenticateResult.Fail("The API key is empty.");
        var partner = await Context.RequestServices.GetRequiredService<PartnerKeys>().FindAsync(presented, Context.RequestAborted);
        if (partner is null)
            return AuthenticateResult.Fail("The API key is unknown or revoked.");

        var identity = new ClaimsIdentity(
            [
                new Claim(PartnerAuthentication.PartnerIdClaim, partner.Id.ToString()),
                new Claim(PartnerAuthentication.SharingLevelClaim, partner.SharingLevel.ToString()),
                new Claim(ClaimTypes.Role, PartnerAuthentication.PartnerRole),
            ],
            PartnerAuthentication.Scheme, nameType: PartnerAuthentication.PartnerIdClaim, roleType: ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), PartnerAuthentication.Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = PartnerAuthentication.Scheme;
        return base.HandleChallengeAsync(properties);
    }
}
