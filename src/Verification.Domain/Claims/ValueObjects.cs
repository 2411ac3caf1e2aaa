using Verification.Domain.Common;

namespace Verification.Domain.Claims;

/// <summary>When it happened: a date range and how precisely it is known.</summary>
public sealed record Incident(DateOnly StartDate, DateOnly EndDate, TimePrecision TimePrecision)
{
    public static Incident Create(DateOnly start, DateOnly? end, TimePrecision precision, DateOnly today)
    {
        var last = end ?? start;
        Guard.That(last >= start, "incident.endDate", "endDate must not be before startDate.");
        Guard.That(last <= today, "incident.endDate", "The incident cannot end in the future.");
        Guard.That(start >= new DateOnly(1900, 1, 1), "incident.startDate", "startDate is implausibly early.");
        return new Incident(start, last, precision);
    }
}

/// <summary>Where it happened. Coordinates are optional; the precision says how far to trust them.</summary>
public sealed record Location(
    string PlaceName,
    string CountryCode,
    string? Admin1,
    string? Admin2,
    double? Latitude,
    double? Longitude,
    GeoPrecision GeoPrecision)
{
    public static Location Create(string? placeName, string? countryCode, string? admin1, string? admin2,
        double? latitude, double? longitude, GeoPrecision precision)
    {
        var code = (countryCode ?? string.Empty).Trim().ToUpperInvariant();
        Guard.That(CountryCodes.IsAssigned(code), "incident.location.countryCode",
            $"'{countryCode}' is not an assigned ISO 3166-1 alpha-2 country code.");
        Guard.That(latitude is null == longitude is null, "incident.location.latitude",
            "Give both latitude and longitude, or neither.");
        Guard.That(latitude is null or >= -90 and <= 90, "incident.location.latitude", "latitude must be between -90 and 90.");
        Guard.That(longitude is null or >= -180 and <= 180, "incident.location.longitude", "longitude must be between -180 and 180.");
        return new Location(
            Guard.Text(placeName, "incident.location.placeName", 200),
            code,
            Guard.OptionalText(admin1, "incident.location.admin1", 200),
            Guard.OptionalText(admin2, "incident.location.admin2", 200),
            latitude, longitude, precision);
    }
}

public sealed record Perpetrator(string Name, PerpetratorType Type);

public sealed record Source(SourceType Type, string? Description, string? Url);

/// <summary>
/// Reported harm as ranges, disaggregated, as the Standards for Casualty Recording ask: a single number
/// would claim a certainty nobody has. Every sub-total stays within its total.
/// </summary>
public sealed record Harm(
    int? KilledMin, int? KilledMax,
    int? InjuredMin, int? InjuredMax,
    int? CiviliansKilledMin, int? CiviliansKilledMax,
    int? ChildrenKilledMin, int? ChildrenKilledMax,
    int? WomenKilledMin, int? WomenKilledMax)
{
    public static readonly Harm Unknown = new(null, null, null, null, null, null, null, null, null, null);

    public Harm Validated(string prefix = "harm")
    {
        // The field names and messages are built only for a count that breaks a rule: every imported row checks its
        // harm, and building them every time was 3% of what an import allocated (sqliteimport12).
        Range(KilledMin, KilledMax, prefix, "killed");
        Range(InjuredMin, InjuredMax, prefix, "injured");
        Range(CiviliansKilledMin, CiviliansKilledMax, prefix, "civiliansKilled");
        Range(ChildrenKilledMin, ChildrenKilledMax, prefix, "childrenKilled");
        Range(WomenKilledMin, WomenKilledMax, prefix, "womenKilled");
        Within(CiviliansKilledMin, KilledMax, prefix, "civiliansKilledMin", "Civilians killed cannot exceed killed.");
        Within(CiviliansKilledMax, KilledMax, prefix, "civiliansKilledMax", "Civilians killed cannot exceed killed.");
        // Children and women are civilians here; when the civilian figure is unknown, the killed total still bounds them.
        var civilianCeiling = CiviliansKilledMax ?? KilledMax;
        Within(ChildrenKilledMin, civilianCeiling, prefix, "childrenKilledMin", "Children killed cannot exceed civilians killed.");
        Within(ChildrenKilledMax, civilianCeiling, prefix, "childrenKilledMax", "Children killed cannot exceed civilians killed.");
        Within(WomenKilledMin, civilianCeiling, prefix, "womenKilledMin", "Women killed cannot exceed civilians killed.");
        Within(WomenKilledMax, civilianCeiling, prefix, "womenKilledMax", "Women killed cannot exceed civilians killed.");
        return this;
    }

    private static void Range(int? min, int? max, string prefix, string count)
    {
        if (min < 0)
            throw new InvariantViolation($"{prefix}.{count}Min", "Counts cannot be negative.");
        if (max < 0)
            throw new InvariantViolation($"{prefix}.{count}Max", "Counts cannot be negative.");
        if (min > max)
            throw new InvariantViolation($"{prefix}.{count}Min", "The minimum cannot exceed the maximum.");
    }

    /// <summary>A part (civilians, children, women) cannot exceed its whole; either being unknown breaks nothing.</summary>
    private static void Within(int? part, int? whole, string prefix, string field, string rule)
    {
        if (part > whole)
            throw new InvariantViolation($"{prefix}.{field}", rule);
    }
}
