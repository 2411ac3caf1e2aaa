using System.Globalization;
using System.Text;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Imports.Formats;
using Verification.Domain.Claims;

namespace Verification.Api.Features.Imports.UcdpGed;

/// <summary>
/// One UCDP GED event → one claim. Each choice below is a domain decision, written down with its reasons in
/// docs/ucdp-mapping.md; the fields are read by their codebook names, whether they come from the CSV or from a
/// GeoJSON feature's properties.
/// </summary>
public static class UcdpGedMapping
{
    public const string ExternalIdPrefix = "ucdp-ged:";

    /// <summary>The columns without which an event cannot become a claim; an upload missing one is refused at once.</summary>
    public static readonly IReadOnlyList<string> RequiredFields =
    [
        "id", "type_of_violence", "side_a", "side_b", "country", "date_start", "date_end", "date_prec",
        "where_prec", "where_coordinates", "adm_1", "adm_2", "best", "low", "high", "deaths_civilians", "source_article",
    ];

    /// <summary>
    /// The licence asks that the attribution go wherever the data is shown, so every summary ends with it and no
    /// truncation ever cuts it.
    /// </summary>
    public static string Attribution(string? datasetVersion) =>
        "Source data: Uppsala Conflict Data Program (UCDP), Uppsala University, Georeferenced Event Dataset"
        + (string.IsNullOrWhiteSpace(datasetVersion) ? "" : " " + datasetVersion.Trim())
        + ", licensed CC BY 4.0. Sundberg & Melander (2013), Introducing the UCDP Georeferenced Event Dataset, "
        + "Journal of Peace Research 50(4); Davies, Pettersson & Öberg (2023), Organized violence 1989–2022, "
        + "Journal of Peace Research 60(4).";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Maps one event. <paramref name="field"/> returns a codebook field as text (null when empty or absent);
    /// <paramref name="point"/> is a GeoJSON point geometry, used before the latitude and longitude fields.
    /// </summary>
    public static ImportRow ToRow(int row, Func<string, string?> field, (double Latitude, double Longitude)? point, ImportReadContext context)
    {
        var problems = new List<RowProblem>();
        var id = Required(field, "id", problems) is { } idText
            ? Whole(idText, "id", problems, min: 1) : null;
        var violence = Required(field, "type_of_violence", problems) is { } v ? Whole(v, "type_of_violence", problems, 1, 3) : null;
        var sideA = Required(field, "side_a", problems)?.Trim();
        var sideB = field("side_b")?.Trim();
        string? countryCode = null;
        if (Required(field, "country", problems) is { } country && !CountryNames.TryFind(country, out countryCode))
            problems.Add(new RowProblem("country", $"'{VerificationRecordFormat.Shorten(country)}' is not a country name this import knows: "
                + "it reads the ISO 3166 names of the platform's CLDR data and the aliases in docs/ucdp-mapping.md."));
        var start = Required(field, "date_start", problems) is { } s ? Date(s, "date_start", problems) : null;
        var end = field("date_end") is { } e ? Date(e, "date_end", problems) : start;
        var datePrecision = Required(field, "date_prec", problems) is { } dp ? Whole(dp, "date_prec", problems, 1, 5) : null;
        var wherePrecision = Required(field, "where_prec", problems) is { } wp ? Whole(wp, "where_prec", problems, 1, 7) : null;
        var low = Count(field, "low", problems);
        var best = Count(field, "best", problems);
        var high = Count(field, "high", problems);
        var civilians = Count(field, "deaths_civilians", problems);
        var (latitude, longitude) = point ?? (Coordinate(field, "latitude", problems) ?? double.NaN, Coordinate(field, "longitude", problems) ?? double.NaN);
        if (problems.Count > 0)
            return ImportRow.Invalid(row, problems);

        var estimates = new[] { low, best, high }.Where(x => x is not null).Select(x => x!.Value).ToArray();
        int? killedMin = estimates.Length > 0 ? estimates.Min() : null;
        int? killedMax = estimates.Length > 0 ? estimates.Max() : null;
        var outOfOrder = low > best || best > high || low > high;
        var civiliansKilled = civilians is { } c && killedMax is { } max && c > max ? max : civilians;

        var where = Place(field, countryName: field("country")!);
        var notes = new List<string>();
        if (outOfOrder)
            notes.Add($"UCDP's estimates are not in the order low ≤ best ≤ high (low {low}, best {best}, high {high}); the killed range spans all three.");
        if (civiliansKilled != civilians)
            notes.Add($"UCDP counts {civilians} civilian deaths, more than its high estimate; civilians killed is recorded as {civiliansKilled}.");

        var claim = new ClaimInput(
            Title: Title(sideA!, violence!.Value, where, start!.Value, end!.Value),
            Summary: Summary(field, id!.Value, violence.Value, sideA!, sideB, where, start.Value, end.Value, datePrecision!.Value,
                wherePrecision!.Value, (low, best, high), notes, context),
            ViolationTypes: [violence == 3 ? ViolationType.UnlawfulKilling : ViolationType.AttackCivilianHarm],
            Incident: new IncidentInput(start, end, TimePrecisionOf(datePrecision.Value),
                new LocationInput(Shorten(where, 200), countryCode, Shorten(field("adm_1"), 200), Shorten(field("adm_2"), 200),
                    double.IsNaN(latitude) ? null : latitude, double.IsNaN(longitude) ? null : longitude, GeoPrecisionOf(wherePrecision.Value))),
            Perpetrators: [new PerpetratorInput(Shorten(sideA, 200), PerpetratorTypeOf(sideA!))],
            Harm: new Harm(killedMin, killedMax, null, null, civiliansKilled, civiliansKilled, null, null, null, null),
            Sources: SourcesOf(field, id.Value, context),
            ExternalId: ExternalIdPrefix + id.Value.ToString(Invariant));
        return ImportRow.Valid(row, claim);
    }

    /// <summary>UCDP names a government as "Government of X"; every other side A is an organised armed group (or, in
    /// non-state conflicts, an informally organised one), which the claim model calls a non-state armed group.</summary>
    public static PerpetratorType PerpetratorTypeOf(string sideA) =>
        sideA.TrimStart().StartsWith("Government of", StringComparison.OrdinalIgnoreCase) ? PerpetratorType.StateForce : PerpetratorType.NonStateArmedGroup;

    /// <summary>1 exact day → Day; 2 (2–6 days) and 3 (the week) → Week; 4 (the month) and 5 (longer) → Month. The dates themselves keep the span.</summary>
    public static TimePrecision TimePrecisionOf(int datePrec) => datePrec switch
    {
        1 => TimePrecision.Day,
        2 or 3 => TimePrecision.Week,
        _ => TimePrecision.Month,
    };

    /// <summary>1 exact → Exact; 2 (within ~25 km) and 3 (second-order division) → NearbyTown; 4–7 (first-order division, region, country, waters) → Region.</summary>
    public static GeoPrecision GeoPrecisionOf(int wherePrec) => wherePrec switch
    {
        1 => GeoPrecision.Exact,
        2 or 3 => GeoPrecision.NearbyTown,
        _ => GeoPrecision.Region,
    };

    private static string TypeWords(int violence) => violence switch
    {
        1 => "state-based armed conflict",
        2 => "non-state armed conflict",
        _ => "one-sided violence against civilians",
    };

    private static string DatePrecisionWords(int p) => p switch
    {
        1 => "the exact day",
        2 => "within 2–6 days",
        3 => "within the week",
        4 => "within the month",
        _ => "within more than a month (up to the year)",
    };

    private static string WherePrecisionWords(int p) => p switch
    {
        1 => "the exact location",
        2 => "within about 25 km of a known point",
        3 => "the second-order administrative division",
        4 => "the first-order administrative division",
        5 => "a part of the country larger than a province, or a linear feature",
        6 => "the country only",
        _ => "international waters or airspace",
    };

    /// <summary>The coded place (where_coordinates), with the province when the place does not already name it.</summary>
    private static string Place(Func<string, string?> field, string countryName)
    {
        var place = field("where_coordinates")?.Trim() ?? field("where_description")?.Trim()
            ?? field("adm_2")?.Trim() ?? field("adm_1")?.Trim() ?? countryName.Trim();
        return place;
    }

    private static string Title(string sideA, int violence, string place, DateOnly start, DateOnly end)
    {
        var when = start == end ? Day(start) : $"{Day(start)} to {Day(end)}";
        return Shorten($"{sideA} – {TypeWords(violence)} in {place}, {when}", ClaimDetails.TitleMaxLength)!;
    }

    private static string Summary(Func<string, string?> field, long id, int violence, string sideA, string? sideB, string place,
        DateOnly start, DateOnly end, int datePrec, int wherePrec, (int? Low, int? Best, int? High) deaths, List<string> notes,
        ImportReadContext context)
    {
        // Room for a typical event's description and the attribution, so the builder does not grow chunk by chunk.
        var text = new StringBuilder(2048);
        text.Append($"UCDP GED event {id}: {TypeWords(violence)} (type_of_violence {violence})");
        if (field("conflict_name") is { } conflict)
            text.Append($"; conflict: {conflict.Trim()}");
        if (field("dyad_name") is { } dyad)
            text.Append($"; dyad: {dyad.Trim()}");
        text.Append(".\n");
        text.Append($"Side A (alleged perpetrator): {sideA}. Side B: {sideB ?? "not recorded"}.\n");
        text.Append($"Where: {place}");
        var areas = new[] { field("where_description"), field("adm_2"), field("adm_1"), field("country") }
            .Where(a => !string.IsNullOrWhiteSpace(a) && a.Trim() != place).Select(a => a!.Trim());
        foreach (var area in areas)
            text.Append("; ").Append(area);
        text.Append($". UCDP location precision {wherePrec} of 7: {WherePrecisionWords(wherePrec)}.\n");
        text.Append($"When: {Day(start)} to {Day(end)}. UCDP date precision {datePrec} of 5: {DatePrecisionWords(datePrec)}.\n");
        text.Append($"Deaths: best estimate {Known(deaths.Best)} (low {Known(deaths.Low)}, high {Known(deaths.High)})");
        text.Append($"; side A {Known(field, "deaths_a")}, side B {Known(field, "deaths_b")}, civilians {Known(field, "deaths_civilians")}, unknown {Known(field, "deaths_unknown")}.\n");
        foreach (var note in notes)
            text.Append(note).Append('\n');
        var sources = field("number_of_sources") is { } n && int.TryParse(n, NumberStyles.Integer, Invariant, out var count) && count >= 0
            ? $"{count} as UCDP counts them" : "number not recorded by UCDP";
        text.Append($"Sources: {sources}");
        if (field("source_original") is { } original)
            text.Append($"; original source: {Collapse(original)}");
        text.Append(".\n");

        // The attribution is kept whole: what gives way to the length limit is the description above it (cut as
        // Shorten cuts, here in the builder, so the summary is made once).
        var attribution = AttributionOf(context.DatasetVersion);
        var room = ClaimDetails.SummaryMaxLength - attribution.Length;
        if (text.Length > room)
        {
            text.Length = KeptBeforeEllipsis(text[room - 2], room);
            text.Append('…');
        }
        return text.Append(attribution).ToString();
    }

    /// <summary>The last dataset version's attribution, kept: every row of an import has the same one.</summary>
    private static AttributionText? _lastAttribution;

    private sealed record AttributionText(string? DatasetVersion, string Text);

    private static string AttributionOf(string? datasetVersion)
    {
        if (_lastAttribution is { } last && last.DatasetVersion == datasetVersion)
            return last.Text;
        var text = Attribution(datasetVersion);
        _lastAttribution = new AttributionText(datasetVersion, text);
        return text;
    }

    /// <summary>
    /// The dataset itself, then each article UCDP coded the event from. Their kind (local or international media,
    /// an NGO, an official statement) is not in the data, so each is <c>Other</c> with its text as the description
    /// for a reviewer to re-type (docs/ucdp-mapping.md).
    /// </summary>
    private static List<SourceInput> SourcesOf(Func<string, string?> field, long id, ImportReadContext context)
    {
        var version = string.IsNullOrWhiteSpace(context.DatasetVersion) ? "" : " " + context.DatasetVersion.Trim();
        var sources = new List<SourceInput> { new(SourceType.Other, $"UCDP Georeferenced Event Dataset{version}, event {id}", null) };
        var articles = (field("source_article") ?? string.Empty).Split(';').Select(Article).Where(a => a.Length > 0).ToList();
        const int room = 99; // at most 100 sources per claim, the dataset's own entry included
        if (articles.Count > room)
            articles = [.. articles.Take(room - 1), string.Join("; ", articles.Skip(room - 1))];
        sources.AddRange(articles.Select(a => new SourceInput(SourceType.Other, Shorten(a, 2000), null)));
        return sources;
    }

    private static string? Required(Func<string, string?> field, string name, List<RowProblem> problems)
    {
        var value = field(name);
        if (value is null)
            problems.Add(new RowProblem(name, $"{name} is required."));
        return value;
    }

    private static long? Whole(string text, string name, List<RowProblem> problems, long min = long.MinValue, long max = long.MaxValue)
    {
        if (long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, Invariant, out var value) && value >= min && value <= max)
            return value;
        problems.Add(new RowProblem(name, max == long.MaxValue
            ? $"'{VerificationRecordFormat.Shorten(text)}' is not a whole number of at least {min}."
            : $"'{VerificationRecordFormat.Shorten(text)}' is not a whole number from {min} to {max}."));
        return null;
    }

    private static int? Whole(string text, string name, List<RowProblem> problems, int min, int max) =>
        (int?)Whole(text, name, problems, (long)min, max);

    private static int? Count(Func<string, string?> field, string name, List<RowProblem> problems)
    {
        if (field(name) is not { } text)
            return null;
        if (int.TryParse(text.Trim(), NumberStyles.None, Invariant, out var value) && value <= ClaimInputValidator.MaxCount)
            return value;
        problems.Add(new RowProblem(name, $"'{VerificationRecordFormat.Shorten(text)}' is not a count of people (a whole number, 0 or more)."));
        return null;
    }

    private static double? Coordinate(Func<string, string?> field, string name, List<RowProblem> problems)
    {
        if (field(name) is not { } text)
            return null;
        if (double.TryParse(text.Trim(), NumberStyles.Float, Invariant, out var value) && double.IsFinite(value))
            return value;
        problems.Add(new RowProblem(name, $"'{VerificationRecordFormat.Shorten(text)}' is not a decimal number."));
        return null;
    }

    /// <summary>UCDP writes dates as 2009-02-20, 2009-02-20T00:00:00 or 2009-02-20 00:00:00.000; only the day is used.</summary>
    private static DateOnly? Date(string text, string name, List<RowProblem> problems)
    {
        var t = text.Trim();
        if (t.Length >= 10 && (t.Length == 10 || t[10] is 'T' or ' ')
            && DateOnly.TryParseExact(t[..10], "yyyy-MM-dd", Invariant, DateTimeStyles.None, out var date))
            return date;
        problems.Add(new RowProblem(name, $"'{VerificationRecordFormat.Shorten(text)}' is not a date (yyyy-MM-dd)."));
        return null;
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", Invariant);

    private static string Known(int? value) => value?.ToString(Invariant) ?? "not recorded";

    private static string Known(Func<string, string?> field, string name) => field(name)?.Trim() ?? "not recorded";

    /// <summary>UCDP quotes each article of a list ("Reuters News,2017-05-15,…";"BBC…"); the outer quotes are not part of it.</summary>
    private static string Article(string text)
    {
        var article = Collapse(text);
        return article.Length >= 2 && article[0] == '"' && article[^1] == '"' ? article[1..^1].Trim() : article;
    }

    /// <summary>Runs of white space (UCDP's source texts hold line breaks) become one space.</summary>
    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Cuts to <paramref name="max"/> characters with an ellipsis, never between the halves of a surrogate pair.</summary>
    internal static string? Shorten(string? text, int max)
    {
        if (text is null || text.Length <= max)
            return text;
        return text[..KeptBeforeEllipsis(text[max - 2], max)] + "…";
    }

    /// <summary>
    /// How many characters of a text cut to <paramref name="max"/> stay before the ellipsis: one fewer than the limit, and
    /// one fewer again when <paramref name="last"/>, the last of them, would be the first half of a surrogate pair.
    /// </summary>
    private static int KeptBeforeEllipsis(char last, int max) => char.IsHighSurrogate(last) ? max - 2 : max - 1;
}
