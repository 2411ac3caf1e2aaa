namespace Verification.Api.Features.Imports.UcdpGed;

/// <summary>Where a failed claim field comes from in a UCDP event, so that an error names the column to fix.</summary>
internal static class UcdpGedFields
{
    public static string For(string claimField) => claimField switch
    {
        "externalId" => "id",
        "title" or "summary" => claimField,
        "violationTypes" => "type_of_violence",
        "incident.startDate" => "date_start",
        "incident.endDate" => "date_end",
        "incident.timePrecision" => "date_prec",
        "incident.location.placeName" => "where_coordinates",
        "incident.location.countryCode" => "country",
        "incident.location.admin1" => "adm_1",
        "incident.location.admin2" => "adm_2",
        "incident.location.latitude" => "latitude",
        "incident.location.longitude" => "longitude",
        "incident.location.geoPrecision" => "where_prec",
        _ when claimField.StartsWith("harm.civiliansKilled", StringComparison.Ordinal) => "deaths_civilians",
        _ when claimField.StartsWith("harm.killed", StringComparison.Ordinal) => "low, best, high",
        _ when claimField.StartsWith("perpetrators", StringComparison.Ordinal) => "side_a",
        _ when claimField.StartsWith("sources", StringComparison.Ordinal) => "source_article",
        _ => claimField,
    };
}
