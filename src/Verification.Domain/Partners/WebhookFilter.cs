using Verification.Domain.Claims;
using Verification.Domain.Common;

namespace Verification.Domain.Partners;

/// <summary>
/// What a partner follows: claims in these countries, inside this box, of these violation types. Each part that is
/// given must match (an empty part matches every claim); a box matches only a claim with coordinates, edges included.
/// </summary>
public sealed record WebhookFilter(IReadOnlyList<string>? CountryCodes, IReadOnlyList<double>? Bbox, IReadOnlyList<ViolationType>? ViolationTypes)
{
    public const int MaxCountries = 250;

    public bool FollowsEverything => (CountryCodes?.Count ?? 0) == 0 && (Bbox?.Count ?? 0) == 0 && (ViolationTypes?.Count ?? 0) == 0;

    public WebhookFilter Validated()
    {
        var countries = (CountryCodes ?? []).Select(c => (c ?? string.Empty).Trim().ToUpperInvariant()).Distinct().Order(StringComparer.Ordinal).ToArray();
        Guard.That(countries.Length <= MaxCountries, "filter.countryCodes", $"At most {MaxCountries} countries.");
        foreach (var code in countries)
            Guard.That(Common.CountryCodes.IsAssigned(code), "filter.countryCodes", $"'{code}' is not an assigned ISO 3166-1 alpha-2 country code.");
        double[]? box = null;
        if (Bbox is { Count: > 0 })
        {
            Guard.That(Bbox.Count == 4, "filter.bbox", "A bbox is [minLon, minLat, maxLon, maxLat].");
            Guard.That(Bbox[0] is >= -180 and <= 180 && Bbox[2] is >= -180 and <= 180 && Bbox[1] is >= -90 and <= 90 && Bbox[3] is >= -90 and <= 90,
                "filter.bbox", "Longitudes are between -180 and 180, latitudes between -90 and 90.");
            Guard.That(Bbox[0] <= Bbox[2] && Bbox[1] <= Bbox[3], "filter.bbox", "The minimum comes before the maximum: [minLon, minLat, maxLon, maxLat].");
            box = [.. Bbox];
        }
        var types = (ViolationTypes ?? []).Distinct().Order().ToArray();
        Guard.That(types.All(Enum.IsDefined), "filter.violationTypes", "Unknown violation type.");
        return new WebhookFilter(countries, box, types);
    }

    public bool Follows(Claim claim)
    {
        if (CountryCodes is { Count: > 0 } countries && !countries.Contains(claim.Location.CountryCode, StringComparer.Ordinal))
            return false;
        if (Bbox is { Count: 4 } box && (claim.Location.Longitude is not { } lon || claim.Location.Latitude is not { } lat
            || lon < box[0] || lon > box[2] || lat < box[1] || lat > box[3]))
            return false;
        return ViolationTypes is not { Count: > 0 } types || types.Any(t => (claim.ViolationTypeFlags & Claim.Flag(t)) != 0);
    }
}
