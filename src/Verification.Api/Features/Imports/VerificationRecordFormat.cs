using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Imports.Formats;
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
/// The columns of <c>verification-csv</c> and the JSON of <c>verification-ndjson</c> (one <see cref="VerificationRecord"/>
/// per line), with the writers an export uses and the readers the import uses. Lists inside one CSV field are
/// separated by <c>; </c>; a literal <c>;</c>, <c>\</c>, <c>&lt;</c> or <c>&gt;</c> inside an item is escaped with <c>\</c>.
/// </summary>
public static class VerificationRecordFormat
{
    public const string CsvMediaType = "text/csv";
    public const string NdjsonMediaType = "application/x-ndjson";

    public const string ExternalId = "externalId";
    public const string Reference = "reference";
    public const string Title = "title";
    public const string Summary = "summary";
    public const string ViolationTypes = "violationTypes";
    public const string StartDate = "startDate";
    public const string EndDate = "endDate";
    public const string TimePrecision = "timePrecision";
    public const string PlaceName = "placeName";
    public const string CountryCode = "countryCode";
    public const string Admin1 = "admin1";
    public const string Admin2 = "admin2";
    public const string Latitude = "latitude";
    public const string Longitude = "longitude";
    public const string GeoPrecision = "geoPrecision";
    public const string Perpetrators = "perpetrators";
    public const string KilledMin = "killedMin";
    public const string KilledMax = "killedMax";
    public const string InjuredMin = "injuredMin";
    public const string InjuredMax = "injuredMax";
    public const string CiviliansKilledMin = "civiliansKilledMin";
    public const string CiviliansKilledMax = "civiliansKilledMax";
    public const string ChildrenKilledMin = "childrenKilledMin";
    public const string ChildrenKilledMax = "childrenKilledMax";
    public const string WomenKilledMin = "womenKilledMin";
    public const string WomenKilledMax = "womenKilledMax";
    public const string Sources = "sources";
    public const string VerdictRating = "verdictRating";
    public const string VerdictDecidedAt = "verdictDecidedAt";

    /// <summary>Every column, in the order an export writes them.</summary>
    public static readonly IReadOnlyList<string> CsvColumns =
    [
        ExternalId, Reference, Title, Summary, ViolationTypes, StartDate, EndDate, TimePrecision,
        PlaceName, CountryCode, Admin1, Admin2, Latitude, Longitude, GeoPrecision, Perpetrators,
        KilledMin, KilledMax, InjuredMin, InjuredMax, CiviliansKilledMin, CiviliansKilledMax,
        ChildrenKilledMin, ChildrenKilledMax, WomenKilledMin, WomenKilledMax, Sources, VerdictRating, VerdictDecidedAt,
    ];

    /// <summary>
    /// The columns without which no row could be a claim; an upload without one of them is refused at once.
    /// A row also needs an externalId or a reference (checked row by row).
    /// </summary>
    public static readonly IReadOnlyList<string> RequiredCsvColumns =
        [Title, Summary, ViolationTypes, StartDate, TimePrecision, PlaceName, CountryCode, GeoPrecision, Sources];

    /// <summary>The JSON of one NDJSON line: camelCase, enums by name, as the API itself writes claims.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        MaxDepth = 16,
    };

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>One NDJSON line (without its line feed): JSON escapes line breaks inside strings, so a record is one line.</summary>
    public static string ToNdjsonLine(VerificationRecord record) => JsonSerializer.Serialize(record, Json);

    /// <summary>The fields of one CSV record, in the order of <see cref="CsvColumns"/>.</summary>
    public static string?[] ToCsvFields(VerificationRecord r)
    {
        var i = r.Incident;
        var l = i?.Location;
        var h = r.Harm;
        return
        [
            r.ExternalId, r.Reference, r.Title, r.Summary,
            r.ViolationTypes is null ? null : string.Join("; ", r.ViolationTypes),
            i?.StartDate?.ToString("yyyy-MM-dd", Invariant), i?.EndDate?.ToString("yyyy-MM-dd", Invariant), i?.TimePrecision?.ToString(),
            l?.PlaceName, l?.CountryCode, l?.Admin1, l?.Admin2,
            l?.Latitude?.ToString("R", Invariant), l?.Longitude?.ToString("R", Invariant), l?.GeoPrecision?.ToString(),
            r.Perpetrators is null ? null : FormatPerpetrators(r.Perpetrators),
            Number(h?.KilledMin), Number(h?.KilledMax), Number(h?.InjuredMin), Number(h?.InjuredMax),
            Number(h?.CiviliansKilledMin), Number(h?.CiviliansKilledMax), Number(h?.ChildrenKilledMin), Number(h?.ChildrenKilledMax),
            Number(h?.WomenKilledMin), Number(h?.WomenKilledMax),
            r.Sources is null ? null : FormatSources(r.Sources),
            r.Verdict?.Rating?.ToString(), r.Verdict?.DecidedAt?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", Invariant),
        ];
    }

    /// <summary>Reads one CSV record; every field that cannot be read adds a problem named by its column.</summary>
    public static VerificationRecord FromCsv(Func<string, string?> field, List<RowProblem> problems)
    {
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
            field(Perpetrators) is { } perpetrators ? ParsePerpetrators(perpetrators, problems) : null,
            harm == Harm.Unknown ? null : harm,
            field(Sources) is { } sources ? ParseSources(sources, problems) : null,
            field(VerdictRating) is { } rating && System.Enum.TryParse<Domain.Verdicts.VerdictRating>(rating, out var r)
                ? new VerificationVerdict(r, null) : null);
    }

    /// <summary><c>name (Type); name (Type)</c>, e.g. <c>Malian Armed Forces (FAMa) (StateForce); Wagner Group (ForeignOrPrivateMilitary)</c>.</summary>
    public static string FormatPerpetrators(IEnumerable<PerpetratorInput> perpetrators) =>
        string.Join("; ", perpetrators.Select(p => $"{Escape(p.Name)} ({p.Type})"));

    public static IReadOnlyList<PerpetratorInput> ParsePerpetrators(string text, List<RowProblem> problems)
    {
        var list = new List<PerpetratorInput>();
        foreach (var item in SplitItems(text))
        {
            var open = item.LastIndexOf(" (", StringComparison.Ordinal);
            if (!item.EndsWith(')') || open < 0)
            {
                problems.Add(new RowProblem(Perpetrators, $"'{Shorten(item)}' has no type: write each perpetrator as name (Type)."));
                continue;
            }
            var typeName = item[(open + 2)..^1].Trim();
            if (!System.Enum.TryParse<PerpetratorType>(typeName, ignoreCase: true, out var type) || !System.Enum.IsDefined(type))
            {
                problems.Add(new RowProblem(Perpetrators, $"'{Shorten(typeName)}' is not a perpetrator type ({string.Join(", ", System.Enum.GetNames<PerpetratorType>())})."));
                continue;
            }
            list.Add(new PerpetratorInput(Unescape(item[..open].Trim()), type));
        }
        return list;
    }

    /// <summary><c>Type: description &lt;url&gt;</c>, each part but the type optional, e.g. <c>LocalMedia: Report of 30 March &lt;https://…&gt;</c>.</summary>
    public static string FormatSources(IEnumerable<SourceInput> sources) =>
        string.Join("; ", sources.Select(s =>
        {
            var text = new StringBuilder(s.Type?.ToString());
            if (!string.IsNullOrEmpty(s.Description))
                text.Append(": ").Append(Escape(s.Description));
            if (!string.IsNullOrEmpty(s.Url))
                text.Append(" <").Append(Escape(s.Url)).Append('>');
            return text.ToString();
        }));

    public static IReadOnlyList<SourceInput> ParseSources(string text, List<RowProblem> problems)
    {
        var list = new List<SourceInput>();
        foreach (var raw in SplitItems(text))
        {
            var item = raw;
            string? url = null;
            // The url is the last <…> of the item; a < or > inside a description is escaped, so this one is the url's.
            var urlStart = LastUnescaped(item, '<');
            if (item.EndsWith('>') && !IsEscapedAt(item, item.Length - 1) && urlStart >= 0)
            {
                url = Unescape(item[(urlStart + 1)..^1]).Trim();
                item = item[..urlStart].TrimEnd();
            }
            var colon = item.IndexOf(':', StringComparison.Ordinal);
            var typeName = (colon < 0 ? item : item[..colon]).Trim();
            var description = colon < 0 ? null : Unescape(item[(colon + 1)..].Trim());
            if (!System.Enum.TryParse<SourceType>(typeName, ignoreCase: true, out var type) || !System.Enum.IsDefined(type))
            {
                problems.Add(new RowProblem(Sources, $"'{Shorten(typeName)}' is not a source type ({string.Join(", ", System.Enum.GetNames<SourceType>())})."));
                continue;
            }
            list.Add(new SourceInput(type, string.IsNullOrEmpty(description) ? null : description, string.IsNullOrEmpty(url) ? null : url));
        }
        return list;
    }

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
        foreach (var item in SplitItems(text))
        {
            if (System.Enum.TryParse<T>(item, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !item.All(char.IsAsciiDigit))
                values.Add(value);
            else
                problems.Add(new RowProblem(column, $"'{Shorten(item)}' is not one of {string.Join(", ", System.Enum.GetNames<T>())}."));
        }
        return values;
    }

    private static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return string.Empty;
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or ';' or '<' or '>')
                escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    private static string Unescape(string text)
    {
        if (!text.Contains('\\'))
            return text;
        var plain = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
                i++;
            plain.Append(text[i]);
        }
        return plain.ToString();
    }

    /// <summary>Splits on every <c>;</c> that is not escaped; items stay escaped, blank items are dropped.</summary>
    private static IEnumerable<string> SplitItems(string text)
    {
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] == '\\')
            {
                i++;
                continue;
            }
            if (i == text.Length || text[i] == ';')
            {
                var item = text[start..Math.Min(i, text.Length)].Trim();
                if (item.Length > 0)
                    yield return item;
                start = i + 1;
            }
        }
    }

    private static int LastUnescaped(string text, char c)
    {
        for (var i = text.Length - 1; i >= 0; i--)
        {
            if (text[i] == c && !IsEscapedAt(text, i))
                return i;
        }
        return -1;
    }

    /// <summary>True when the character at <paramref name="index"/> follows an odd number of backslashes.</summary>
    private static bool IsEscapedAt(string text, int index)
    {
        var backslashes = 0;
        for (var i = index - 1; i >= 0 && text[i] == '\\'; i--)
            backslashes++;
        return backslashes % 2 == 1;
    }

    internal static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "…";
}
