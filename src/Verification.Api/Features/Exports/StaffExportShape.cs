using System.Globalization;
using CsvHelper;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Partners;

namespace Verification.Api.Features.Exports;

/// <summary>
/// The staff claim (<see cref="ClaimResponse"/>, what <c>GET /claims/{id}</c> answers) in the three export formats: every
/// stage and the internal fields (stage, reason, submitter, reviewer, due time, assignments, the verdict with who proposed
/// and confirmed it). It carries no evidence, so no testimony and no witness identity; comments are not part of it.
/// </summary>
public static class StaffExportShape
{
    public static readonly IReadOnlyList<string> CsvColumns =
    [
        "id", "reference", "status", "version", "submittedBy", "submittedAt", "updatedAt", "title", "summary", "violationTypes",
        "incident.startDate", "incident.endDate", "incident.timePrecision",
        "incident.location.placeName", "incident.location.countryCode", "incident.location.admin1", "incident.location.admin2",
        "incident.location.latitude", "incident.location.longitude", "incident.location.geoPrecision",
        "perpetrators.name", "perpetrators.type",
        "harm.killedMin", "harm.killedMax", "harm.injuredMin", "harm.injuredMax",
        "harm.civiliansKilledMin", "harm.civiliansKilledMax", "harm.childrenKilledMin", "harm.childrenKilledMax",
        "harm.womenKilledMin", "harm.womenKilledMax",
        "sources.type", "sources.description", "sources.url",
        "externalId", "importId", "stageReason", "duplicateOf", "reopeningSuggested", "assignedTo",
        "reviewer.id", "reviewer.email", "reviewer.since", "dueAt",
        "verdict.rating", "verdict.rationale", "verdict.attributedTo", "verdict.proposedBy", "verdict.confirmedBy", "verdict.decidedAt",
    ];

    public static readonly ExportShape<ClaimResponse> Shape = new(CsvColumns, WriteRow, c => c.Id,
        c => c.Incident.Location is { Latitude: { } latitude, Longitude: { } longitude } ? (longitude, latitude) : null);

    private static void WriteRow(CsvWriter csv, ClaimResponse c)
    {
        var location = c.Incident.Location;
        var harm = c.Harm;
        csv.WriteField(c.Id.ToString());
        csv.WriteField(c.Reference);
        csv.WriteField(c.Status.ToString());
        csv.WriteField(c.Version.ToString(CultureInfo.InvariantCulture));
        csv.WriteField(c.SubmittedBy.ToString());
        csv.WriteField(PartnerExportFormats.Time(c.SubmittedAt));
        csv.WriteField(PartnerExportFormats.Time(c.UpdatedAt));
        csv.WriteField(c.Title);
        csv.WriteField(c.Summary);
        csv.WriteField(PartnerExportFormats.List(c.ViolationTypes.Select(t => t.ToString())));
        csv.WriteField(PartnerExportFormats.Date(c.Incident.StartDate));
        csv.WriteField(PartnerExportFormats.Date(c.Incident.EndDate));
        csv.WriteField(c.Incident.TimePrecision.ToString());
        csv.WriteField(location.PlaceName);
        csv.WriteField(location.CountryCode);
        csv.WriteField(location.Admin1);
        csv.WriteField(location.Admin2);
        csv.WriteField(location.Latitude, default);
        csv.WriteField(location.Longitude, default);
        csv.WriteField(location.GeoPrecision.ToString());
        csv.WriteField(PartnerExportFormats.List(c.Perpetrators.Select(p => p.Name)));
        csv.WriteField(PartnerExportFormats.List(c.Perpetrators.Select(p => p.Type.ToString())));
        foreach (var count in new[] { harm.KilledMin, harm.KilledMax, harm.InjuredMin, harm.InjuredMax, harm.CiviliansKilledMin,
                     harm.CiviliansKilledMax, harm.ChildrenKilledMin, harm.ChildrenKilledMax, harm.WomenKilledMin, harm.WomenKilledMax })
            csv.WriteField(count, default);
        csv.WriteField(PartnerExportFormats.List(c.Sources.Select(s => s.Type.ToString())));
        csv.WriteField(PartnerExportFormats.List(c.Sources.Select(s => s.Description)));
        csv.WriteField(PartnerExportFormats.List(c.Sources.Select(s => s.Url)));
        csv.WriteField(c.ExternalId);
        csv.WriteField(c.ImportId?.ToString());
        csv.WriteField(c.StageReason);
        csv.WriteField(c.DuplicateOf?.ToString());
        csv.WriteField(c.ReopeningSuggested ? "true" : "false");
        csv.WriteField(PartnerExportFormats.List(c.AssignedTo.Select(a => a.ToString())));
        csv.WriteField(c.Reviewer?.Id.ToString());
        csv.WriteField(c.Reviewer?.Email);
        csv.WriteField(c.Reviewer is { } reviewer ? PartnerExportFormats.Time(reviewer.Since) : null);
        csv.WriteField(c.DueAt is { } due ? PartnerExportFormats.Time(due) : null);
        csv.WriteField(c.Verdict?.Rating.ToString());
        csv.WriteField(c.Verdict?.Rationale);
        csv.WriteField(c.Verdict is { } v ? PartnerExportFormats.List(v.AttributedTo) : null);
        csv.WriteField(c.Verdict?.ProposedBy.ToString());
        csv.WriteField(c.Verdict?.ConfirmedBy?.ToString());
        csv.WriteField(c.Verdict?.DecidedAt is { } decided ? PartnerExportFormats.Time(decided) : null);
        csv.EndRecord();
    }
}
