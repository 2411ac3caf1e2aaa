using System.Text;
using Verification.Benchmarks.Report;

namespace Verification.Benchmarks.Load;

/// <summary>What the HTTP figures send: claim ids to read, bearer tokens by role, a claim to submit.</summary>
public sealed record LoadContext(IReadOnlyList<Guid> ClaimIds, IReadOnlyDictionary<string, string> Tokens, byte[] ClaimBody)
{
    public string Bearer(string role) => "Bearer " + Tokens[role];

    /// <summary>The partner's key as docs/partners.md shows it: "Authorization: ApiKey vk_…".</summary>
    public string PartnerKey() => "ApiKey " + Tokens[Partner];

    /// <summary>The <see cref="Tokens"/> entry that holds the API key of the benchmark's partner (Restricted, created through POST /api/v1/partners).</summary>
    public const string Partner = "Partner";
}

/// <summary>
/// One HTTP figure: the request to our API and the same request to the floor, with the target for
/// ours ÷ floor throughput. A figure whose routes are not on this branch says why instead; adding it later is
/// filling in <see cref="Ours"/> and <see cref="Floor"/> (and a route plus its SQL in the floor host).
/// </summary>
public sealed record HttpFigure(string Name, double Target, Func<LoadContext, LoadRequest>? Ours, Func<LoadContext, LoadRequest>? Floor, string? NotAvailable = null)
{
    public string TargetText => $"≥ {Target:0.0#} × floor req/s";

    public static IReadOnlyList<HttpFigure> All { get; } =
    [
        new("read one claim (reviewer)", 1.0,
            c => new LoadRequest(HttpMethod.Get, ClaimPaths(c), null, c.Bearer("Reviewer")),
            c => new LoadRequest(HttpMethod.Get, ClaimPaths(c), null, null)),
        new("list page of 50 (reviewer)", 1.0,
            c => new LoadRequest(HttpMethod.Get, ["/api/v1/claims?limit=50"], null, c.Bearer("Reviewer")),
            c => new LoadRequest(HttpMethod.Get, ["/api/v1/claims?limit=50"], null, null)),
        // A Restricted partner created through POST /api/v1/partners, its key in the Authorization header; the floor runs the
        // SQL that PartnerClaimReader's page generates and shapes it the same way.
        new("partner page of 50 (Restricted partner)", 1.0,
            c => new LoadRequest(HttpMethod.Get, ["/api/v1/partner/claims?limit=50"], null, c.PartnerKey()),
            c => new LoadRequest(HttpMethod.Get, ["/api/v1/partner/claims?limit=50"], null, null)),
        // Last: it adds rows (a few thousand) to the database the other figures read.
        new("submit a claim (with its audit entry)", 0.5,
            c => new LoadRequest(HttpMethod.Post, ["/api/v1/claims"], c.ClaimBody, c.Bearer("Investigator")),
            c => new LoadRequest(HttpMethod.Post, ["/api/v1/claims"], c.ClaimBody, null)),
    ];

    private static string[] ClaimPaths(LoadContext c) => [.. c.ClaimIds.Select(id => $"/api/v1/claims/{id}")];

    /// <summary>The Kidal claim of the README walk-through; the same body every time (no Idempotency-Key, so each is a new claim).</summary>
    public static byte[] KidalClaim() => Encoding.UTF8.GetBytes("""
        {
          "title": "Drone strikes on the former MINUSMA camp in Kidal",
          "summary": "On the night of 29 to 30 March 2024, drones of the Malian Armed Forces, supported by the Wagner Group, struck the former MINUSMA base in Kidal held by the CSP. Casualties are unconfirmed.",
          "violationTypes": ["AttackCivilianHarm"],
          "incident": {
            "startDate": "2024-03-29", "endDate": "2024-03-30", "timePrecision": "Day",
            "location": { "placeName": "Kidal", "countryCode": "ML", "admin1": "Kidal", "latitude": 18.4411, "longitude": 1.4078, "geoPrecision": "NearbyTown" }
          },
          "perpetrators": [
            { "name": "Malian Armed Forces (FAMa)", "type": "StateForce" },
            { "name": "Wagner Group", "type": "ForeignOrPrivateMilitary" }
          ],
          "harm": { "killedMin": 0 },
          "sources": [ { "type": "LocalMedia", "description": "News report of 30 March 2024" } ]
        }
        """);

    public const string Section = "HTTP";
}
