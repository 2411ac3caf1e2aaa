using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verification.Domain.Claims;

/// <summary>One field an edit changed, named as the submission names it (<c>incident.location.placeName</c>).</summary>
public sealed record FieldChange(string Field, object? From, object? To)
{
    /// <summary>The history action of an edit, whose details are these changes as JSON.</summary>
    public const string HistoryAction = "Edited";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The fields that differ, leaf by leaf; lists (types, perpetrators, sources) compare as a whole.</summary>
    public static IReadOnlyList<FieldChange> Between(ClaimDetails before, ClaimDetails after)
    {
        var changes = new List<FieldChange>();
        void Compare<T>(string field, T from, T to)
        {
            if (!EqualityComparer<T>.Default.Equals(from, to))
                changes.Add(new FieldChange(field, from, to));
        }
        void CompareList<T>(string field, IReadOnlyList<T> from, IReadOnlyList<T> to)
        {
            if (!from.SequenceEqual(to))
                changes.Add(new FieldChange(field, from, to));
        }

        Compare("title", before.Title, after.Title);
        Compare("summary", before.Summary, after.Summary);
        CompareList("violationTypes", before.ViolationTypes, after.ViolationTypes);
        Compare("incident.startDate", before.Incident.StartDate, after.Incident.StartDate);
        Compare("incident.endDate", before.Incident.EndDate, after.Incident.EndDate);
        Compare("incident.timePrecision", before.Incident.TimePrecision, after.Incident.TimePrecision);
        const string place = "incident.location.";
        Compare(place + "placeName", before.Location.PlaceName, after.Location.PlaceName);
        Compare(place + "countryCode", before.Location.CountryCode, after.Location.CountryCode);
        Compare(place + "admin1", before.Location.Admin1, after.Location.Admin1);
        Compare(place + "admin2", before.Location.Admin2, after.Location.Admin2);
        Compare(place + "latitude", before.Location.Latitude, after.Location.Latitude);
        Compare(place + "longitude", before.Location.Longitude, after.Location.Longitude);
        Compare(place + "geoPrecision", before.Location.GeoPrecision, after.Location.GeoPrecision);
        CompareList("perpetrators", before.Perpetrators, after.Perpetrators);
        Compare("harm.killedMin", before.Harm.KilledMin, after.Harm.KilledMin);
        Compare("harm.killedMax", before.Harm.KilledMax, after.Harm.KilledMax);
        Compare("harm.injuredMin", before.Harm.InjuredMin, after.Harm.InjuredMin);
        Compare("harm.injuredMax", before.Harm.InjuredMax, after.Harm.InjuredMax);
        Compare("harm.civiliansKilledMin", before.Harm.CiviliansKilledMin, after.Harm.CiviliansKilledMin);
        Compare("harm.civiliansKilledMax", before.Harm.CiviliansKilledMax, after.Harm.CiviliansKilledMax);
        Compare("harm.childrenKilledMin", before.Harm.ChildrenKilledMin, after.Harm.ChildrenKilledMin);
        Compare("harm.childrenKilledMax", before.Harm.ChildrenKilledMax, after.Harm.ChildrenKilledMax);
        Compare("harm.womenKilledMin", before.Harm.WomenKilledMin, after.Harm.WomenKilledMin);
        Compare("harm.womenKilledMax", before.Harm.WomenKilledMax, after.Harm.WomenKilledMax);
        CompareList("sources", before.Sources, after.Sources);
        return changes;
    }

    /// <summary>The history's details of an edit: a JSON array of <c>{ field, from, to }</c>.</summary>
    public static string Describe(IReadOnlyList<FieldChange> changes) => JsonSerializer.Serialize(changes, Json);
}
