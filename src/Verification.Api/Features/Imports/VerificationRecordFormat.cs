using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Imports.Formats;
using Verification.Api.Features.Partners;
using Verification.Domain.Claims;
using Verification.Domain.Verdicts;

namespace Verification.Api.Features.Imports;

/// <summary>
/// One claim as <c>verification-csv</c> and <c>verification-ndjson</c> carry it: the claim fields of the public
/// contract (the body of <c>POST /api/v1/claims</c>), the claim's reference in the instance that wrote it, and its
/// verdict there. The partner export writes this record and the import reads it, so an export of one instance
/// imports into another; both sides use <see cref="VerificationRecordFormat"/> and nothing else
/// (docs/imports.md describes the columns).
/// </summary>
public sealed record VerificationRecord(
    string? ExternalId,
    string? Reference,
    string? Title,
    string? Summary,
    IReadOnlyList<ViolationType>? ViolationTypes,
    IncidentInput? Incident,
    IReadOnlyList<PerpetratorInput>? Perpetrators,
    Harm? Harm,
    IReadOnlyList<SourceInput>? Sources,
    VerificationVerdict? Verdict)
{
    public const string ExternalIdPrefix = "verification:";

    /// <summary>The record of a stored claim, as an export writes it.</summary>
    public static VerificationRecord From(ClaimResponse claim)
    {
        var l = claim.Incident.Location;
        return new VerificationRecord(
            claim.ExternalId, claim.Reference, claim.Title, claim.Summary, claim.ViolationTypes,
            new IncidentInput(claim.Incident.StartDate, claim.Incident.EndDate, claim.Incident.TimePrecision,
                new LocationInput(l.PlaceName, l.CountryCode, l.Admin1, l.Admin2, l.Latitude, l.Longitude, l.GeoPrecision)),
            [.. claim.Perpetrators.Select(p => new PerpetratorInput(p.Name, p.Type))],
            claim.Harm,
            [.. claim.Sources.Select(s => new SourceInput(s.Type, s.Description, s.Url))],
            claim.Verdict is { } v ? new VerificationVerdict(v.Rating, v.DecidedAt) : null);
    }

    /// <summary>
    /// The external id of the imported claim: the record's own when it has one (a claim that itself came from UCDP
    /// keeps <c>ucdp-ged:…</c>), otherwise <c>verification:&lt;reference&gt;</c>, which names the claim in the
    /// instance that exported it. A verdict is not imported: this instance's reviewers verify the claim afresh.
    /// </summary>
    public string? ImportExternalId =>
        !string.IsNullOrWhiteSpace(ExternalId) ? ExternalId.Trim()
        : !string.IsNullOrWhiteSpace(Reference) ? ExternalIdPrefix + Reference.Trim()
        : null;

    public ClaimInput ToClaimInput() =>
        new(Title, Summary, ViolationTypes, Incident, Perpetrators, Harm, Sources, ImportExternalId);
}

/// <summary>The verdict in the exporting instance: written for the reader's information, ignored by the import.</summary>
public sealed record VerificationVerdict(VerdictRating? Rating, DateTime? DecidedAt);

/// <summary>
/// <c>verification-csv</c> and <c>verification-ndjson</c> are what the partner export writes, read back:
/// <see cref="PartnerExportFormats"/> is the only writer, and this class reads its CSV columns and its JSON lines
/// (docs/imports.md). Lists inside one CSV field are separated by <c>; </c> with <c>;</c> and <c>\</c> escaped by
/// <c>\</c>; perpetrators and sources are parallel lists (item i of <c>sources.type</c> goes with item i of
/// <c>sources.url</c>).
/// </summary>
public static class VerificationRecordFormat
{
    public const string CsvMediaType = "text/csv";
    public const string NdjsonMediaType = "application/x-ndjson";

    /// <summary>Not written by the export; a sheet prepared by hand may name its rows with it instead of a reference.</summary>
    public const string ExternalId = "externalId";
    public const string Reference = "reference";
    public const string Title = "title";
    public const string Summary = "summary";
    public const string ViolationTypes = "violationTypes";
    public const string StartDate = "incident.startDate";
    public const string EndDate = "incident.endDate";
    public const string TimePrecision = "incident.timePrecision";
    public const string PlaceName = "incident.location.placeName";
    public const string CountryCode = "incident.location.countryCode";
    public const string Admin1 = "incident.location.admin1";
    public const string Admin2 = "incident.location.admin2";
    public const string Latitude = "incident.location.latitude";
    public const string Longitude = "incident.location.longitude";
    public const string GeoPrecision = "incident.location.geoPrecision";
    public const string PerpetratorNames = "perpetrators.name";
    public const string PerpetratorTypes = "perpetrators.type";
    public const string KilledMin = "harm.killedMin";
    public const string KilledMax = "harm.killedMax";
    public const string InjuredMin = "harm.injuredMin";
    public const string InjuredMax = "harm.injuredMax";
    public const string CiviliansKilledMin = "harm.civiliansKilledMin";
    public const string CiviliansKilledMax = "harm.civiliansKilledMax";
    public const string ChildrenKilledMin = "harm.childrenKilledMin";
    public const string ChildrenKilledMax = "harm.childrenKilledMax";
    public const string WomenKilledMin = "harm.womenKilledMin";
    public const string WomenKilledMax = "harm.womenKilledMax";
    public const string SourceTypes = "sources.type";
    public const string SourceDescriptions = "sources.description";
    public const string SourceUrls = "sources.url";
    public const string VerdictRating = "verdict.rating";
    public const string VerdictDecidedAt = "verdict.decidedAt";

    /// <summary>Every column the export writes, in its order: the import reads those above and ignores the rest.</summary>
    public static IReadOnlyList<string> CsvColumns => PartnerExportFormats.CsvColumns;

    /// <summary>
    /// The columns without which no row could be a claim; an upload without one of them is refused at once.
    /// A row also needs a reference or an externalId (checked row by row).
    /// </summary>
    public static readonly IReadOnlyList<string> RequiredCsvColumns =
        [Title, Summary, ViolationTypes, StartDate, TimePrecision, PlaceName, CountryCode, GeoPrecision, SourceTypes];

    /// <summary>The JSON of one NDJSON line: camelCase, enums by name, as the API itself writes claims.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        MaxDepth = 16,
    };

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Reads one CSV record; every field that cannot be read adds a problem named by its column.</summary>
    public static VerificationRecord FromCsv(Func<string, string?> column, List<RowProblem> problems)
    {
        string? field(string name) => Unguarded(column(name));
        var startDate = Date(field, StartDate, problems);
        var endDate = Date(field, EndDate, problems);
        var harm = new Harm(
            Count(field, KilledMin, problems), Count(field, KilledMax, problems),
            Count(field, InjuredMin, problems), Count(field, InjuredMax, problems),
            Count(field, CiviliansKilledMin, problems), Count(field, CiviliansKilledMax, problems),
            Count(field, ChildrenKilledMin, problems), Count(field, ChildrenKilledMax, problems),
            Count(field, WomenKilledMin, problems), Count(field, WomenKilledMax, problems));
        return new VerificationRecord(
            field(ExternalId), field(Reference), field(Title), field(Summary),
            field(ViolationTypes) is { } types ? EnumList<ViolationType>(types, ViolationTypes, problems) : null,
            new IncidentInput(startDate, endDate, Enum<Domain.Claims.TimePrecision>(field, TimePrecision, problems),
                new LocationInput(field(PlaceName), field(CountryCode), field(Admin1), field(Admin2),
                    Coordinate(field, Latitude, problems), Coordinate(field, Longitude, problems),
                    Enum<Domain.Claims.GeoPrecision>(field, GeoPrecision, problems))),
            Perpetrators(field, problems),
            harm == Harm.Unknown ? null : harm,
            Sources(field, problems),
            field(VerdictRating) is { } rating && System.Enum.TryParse<Domain.Verdicts.VerdictRating>(rating, out var r)
                ? new VerificationVerdict(r, null) : null);
    }

    /// <summary>
    /// The export prefixes text that a spreadsheet would run as a formula with <c>'</c> (OWASP CSV injection); the claim
    /// itself never had it, so it comes off here.
    /// </summary>
    private static string? Unguarded(string? text) =>
        text is { Length: >= 2 } && text[0] == '\'' && text[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? text[1..]
        : string.IsNullOrEmpty(text) ? null : text;

    private static IReadOnlyList<PerpetratorInput>? Perpetrators(Func<string, string?> field, List<RowProblem> problems)
    {
        if (field(PerpetratorNames) is not { } names)
            return null;
        var nameList = PartnerExportFormats.SplitList(names);
        var typeList = PartnerExportFormats.SplitList(field(PerpetratorTypes));
        var perpetrators = new List<PerpetratorInput>(nameList.Count);
        for (var i = 0; i < nameList.Count; i++)
        {
            var typeName = i < typeList.Count ? typeList[i].Trim() : string.Empty;
            PerpetratorType? type = null;
            if (System.Enum.TryParse<PerpetratorType>(typeName, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed) && !typeName.All(char.IsAsciiDigit))
                type = parsed;
            else
                problems.Add(new RowProblem(PerpetratorTypes, $"'{Shorten(typeName)}' is not a perpetrator type ({string.Join(", ", System.Enum.GetNames<PerpetratorType>())}); "
                    + "perpetrators.type holds one type for each name in perpetrators.name."));
            perpetrators.Add(new PerpetratorInput(nameList[i], type));
        }
        return perpetrators;
    }

    private static IReadOnlyList<SourceInput>? Sources(Func<string, string?> field, List<RowProblem> problems)
    {
        if (field(SourceTypes) is not { } types)
            return null;
        var typeList = PartnerExportFormats.SplitList(types);
        var descriptions = PartnerExportFormats.SplitList(field(SourceDescriptions));
        var urls = PartnerExportFormats.SplitList(field(SourceUrls));
        var sources = new List<SourceInput>(typeList.Count);
        for (var i = 0; i < typeList.Count; i++)
        {
            var typeName = typeList[i].Trim();
            if (!System.Enum.TryParse<SourceType>(typeName, ignoreCase: true, out var type) || !System.Enum.IsDefined(type) || typeName.All(char.IsAsciiDigit))
            {
                problems.Add(new RowProblem(SourceTypes, $"'{Shorten(typeName)}' is not a source type ({string.Join(", ", System.Enum.GetNames<SourceType>())})."));
                continue;
            }
            sources.Add(new SourceInput(type, Item(descriptions, i), Item(urls, i)));
        }
        return sources;
    }

    private static string? Item(IReadOnlyList<string> items, int index) =>
        index < items.Count && items[index].Length > 0 ? items[index] : null;

    private static string? Number(int? value) => value?.ToString(Invariant);

    private static DateOnly? Date(Func<string, string?> field, string column, List<RowProblem> problems)
    {
        if (field(column) is not { } text)
            return null;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", Invariant, DateTimeStyles.None, out var date))
            return date;
        problems.Add(new RowProblem(column, $"'{Shorten(text)}' is not a date: write it as yyyy-MM-dd."));
        return null;
    }

    private static int? Count(Func<string, string?> field, string column, List<RowProblem> problems)
    {
        if (field(column) is not { } text)
            return null;
        if (int.TryParse(text.Trim(), NumberStyles.None, Invariant, out var count))
            return count;
        problems.Add(new RowProblem(column, $"'{Shorten(text)}' is not a whole number of people."));
        return null;
    }

    private static double? Coordinate(Func<string, string?> field, string column, List<RowProblem> problems)
    {
        if (field(column) is not { } text)
            return null;
        if (double.TryParse(text.Trim(), NumberStyles.Float, Invariant, out var value) && double.IsFinite(value))
            return value;
        problems.Add(new RowProblem(column, $"'{Shorten(text)}' is not a decimal number (use a point, e.g. 18.4411)."));
        return null;
    }

    private static T? Enum<T>(Func<string, string?> field, string column, List<RowProblem> problems) where T : struct, System.Enum
    {
        if (field(column) is not { } text)
            return null;
        if (System.Enum.TryParse<T>(text.Trim(), ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !text.Trim().All(char.IsAsciiDigit))
            return value;
        problems.Add(new RowProblem(column, $"'{Shorten(text)}' is not one of {string.Join(", ", System.Enum.GetNames<T>())}."));
        return null;
    }

    private static IReadOnlyList<T> EnumList<T>(string text, string column, List<RowProblem> problems) where T : struct, System.Enum
    {
        var values = new List<T>();
        foreach (var raw in PartnerExportFormats.SplitList(text))
        {
            var item = raw.Trim();
            if (item.Length == 0)
                continue;
            if (System.Enum.TryParse<T>(item, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !item.All(char.IsAsciiDigit))
                values.Add(value);
            else
                problems.Add(new RowProblem(column, $"'{Shorten(item)}' is not one of {string.Join(", ", System.Enum.GetNames<T>())}."));
        }
        return values;
    }

    internal static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "…";
}
