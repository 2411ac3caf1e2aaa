using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Verification.Api.Infrastructure.Http;

namespace Verification.Api.Features.Partners;

/// <summary>
/// The three export formats, each written claim by claim to the response as the rows arrive, and flushed in small
/// batches: the export's size never sits in memory. The CSV columns are documented in docs/partners.md; the
/// verification-csv import reads them back.
/// </summary>
public static class PartnerExportFormats
{
    public static readonly IReadOnlyList<string> All = [Ndjson, Csv, GeoJson];

    public const string Ndjson = "ndjson";
    public const string Csv = "csv";
    public const string GeoJson = "geojson";

    /// <summary>Joins the items of a list column; a ';' or '\' inside an item is escaped with '\'.</summary>
    public const string ListSeparator = "; ";

    /// <summary>The CSV header, in order. Lists are parallel: item i of sources.type goes with item i of sources.url.</summary>
    public static readonly IReadOnlyList<string> CsvColumns =
    [
        "id", "reference", "updatedAt", "title", "summary", "violationTypes",
        "incident.startDate", "incident.endDate", "incident.timePrecision",
        "incident.location.placeName", "incident.location.countryCode", "incident.location.admin1", "incident.location.admin2",
        "incident.location.latitude", "incident.location.longitude", "incident.location.geoPrecision",
        "perpetrators.name", "perpetrators.type",
        "harm.killedMin", "harm.killedMax", "harm.injuredMin", "harm.injuredMax",
        "harm.civiliansKilledMin", "harm.civiliansKilledMax", "harm.childrenKilledMin", "harm.childrenKilledMax",
        "harm.womenKilledMin", "harm.womenKilledMax",
        "verdict.rating", "verdict.rationale", "verdict.attributedTo", "verdict.decidedAt",
        "sources.type", "sources.description", "sources.url",
        "evidence.id", "evidence.kind", "evidence.sha256", "evidence.stance", "evidence.reviewStatus",
        "evidence.sourceReliability", "evidence.informationCredibility",
    ];

    public static string ContentType(string format) => format switch
    {
        Csv => "text/csv; charset=utf-8; header=present",
        GeoJson => "application/geo+json",
        _ => "application/x-ndjson",
    };

    /// <summary>The partner claim's shape in the three formats.</summary>
    public static readonly ExportShape<PartnerClaim> PartnerShape = new(CsvColumns, WriteRow, c => c.Id,
        c => c.Incident.Location is { Latitude: { } latitude, Longitude: { } longitude } ? (longitude, latitude) : null);

    public static Task WriteAsync(string format, HashedBody body, IAsyncEnumerable<PartnerClaim> claims, JsonSerializerOptions json,
        IExportRecords records, CancellationToken ct) => WriteAsync(format, body, claims, json, PartnerShape, records, ct);

    /// <summary>Writes any record shape (the partner claim, the staff claim) in one of the three formats.</summary>
    public static Task WriteAsync<T>(string format, HashedBody body, IAsyncEnumerable<T> items, JsonSerializerOptions json,
        ExportShape<T> shape, IExportRecords<T>? records, CancellationToken ct) => format switch
        {
            Csv => WriteCsvAsync(body, items, shape, records, ct),
            GeoJson => WriteGeoJsonAsync(body, items, json, shape, records, ct),
            _ => WriteNdjsonAsync(body, items, json, records, ct),
        };

    /// <summary>One record as compact JSON per line (application/x-ndjson); a record's bytes are its line without the line feed.</summary>
    public static async Task WriteNdjsonAsync<T>(HashedBody body, IAsyncEnumerable<T> items, JsonSerializerOptions json,
        IExportRecords<T>? records, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        await using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = json.Encoder });
        await foreach (var item in items.WithCancellation(ct))
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            JsonSerializer.Serialize(writer, item, json);
            writer.Flush();
            await body.WriteAsync(buffer.WrittenMemory, ct);
            await body.WriteAsync(LineFeed, ct);
            if (records is not null)
                await records.RecordAsync(item, buffer.WrittenSpan, ct);
        }
    }

    /// <summary>
    /// An RFC 7946 FeatureCollection: one Feature per record, a Point [longitude, latitude] or a null geometry. A record's
    /// bytes are its Feature object exactly as written (what <c>JsonElement.GetRawText()</c> gives back when parsed).
    /// </summary>
    public static async Task WriteGeoJsonAsync<T>(HashedBody body, IAsyncEnumerable<T> items, JsonSerializerOptions json,
        ExportShape<T> shape, IExportRecords<T>? records, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        await using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = json.Encoder });
        await body.WriteAsync(FeatureCollectionStart, ct);
        var first = true;
        await foreach (var item in items.WithCancellation(ct))
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            WriteFeature(writer, item, shape, json);
            writer.Flush();
            if (!first)
                await body.WriteAsync(Comma, ct);
            first = false;
            await body.WriteAsync(buffer.WrittenMemory, ct);
            if (records is not null)
                await records.RecordAsync(item, buffer.WrittenSpan, ct);
        }
        await body.WriteAsync(FeatureCollectionEnd, ct);
    }

    private static void WriteFeature<T>(Utf8JsonWriter writer, T item, ExportShape<T> shape, JsonSerializerOptions json)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Feature");
        writer.WriteString("id", shape.Id(item));
        writer.WritePropertyName("geometry");
        if (shape.Point(item) is var (longitude, latitude))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "Point");
            writer.WriteStartArray("coordinates");
            writer.WriteNumberValue(longitude);
            writer.WriteNumberValue(latitude);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }
        writer.WritePropertyName("properties");
        JsonSerializer.Serialize(writer, item, json);
        writer.WriteEndObject();
    }

    /// <summary>
    /// RFC 4180 CSV with a header row, written with CsvHelper into a small buffer that goes to the response record by
    /// record (Kestrel refuses synchronous writes). A record's bytes are its row without the closing CR LF. Text that a
    /// spreadsheet would run as a formula (starting with = + - @, a tab or a CR) is prefixed with ' (OWASP); the
    /// verification-csv import takes that prefix off again.
    /// </summary>
    public static async Task WriteCsvAsync<T>(HashedBody body, IAsyncEnumerable<T> items, ExportShape<T> shape, IExportRecords<T>? records,
        CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var options = new CsvWriterOptions { Injection = CsvInjection.Escape, NewLine = "\r\n" };
        await using var csv = CsvWriter.Create(buffer, options, leaveOpen: true);
        csv.WriteHeader([.. shape.CsvColumns]);
        await csv.FlushAsync(ct);
        await body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
        buffer.SetLength(0);
        await foreach (var item in items.WithCancellation(ct))
        {
            shape.WriteRow(csv, item);
            await csv.FlushAsync(ct);
            var row = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
            await body.WriteAsync(row, ct);
            if (records is not null)
                await records.RecordAsync(item, row.Span[..^CrLf.Length], ct);
            buffer.SetLength(0);
        }
    }

    private static readonly ReadOnlyMemory<byte> LineFeed = "\n"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Comma = ","u8.ToArray();
    private static readonly ReadOnlyMemory<byte> FeatureCollectionStart = "{\"type\":\"FeatureCollection\",\"features\":["u8.ToArray();
    private static readonly ReadOnlyMemory<byte> FeatureCollectionEnd = "]}"u8.ToArray();
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    private static void WriteRow(CsvWriter csv, PartnerClaim c)
    {
        var location = c.Incident.Location;
        var harm = c.Harm;
        csv.WriteField(c.Id.ToString());
        csv.WriteField(c.Reference);
        csv.WriteField(Time(c.UpdatedAt));
        csv.WriteField(c.Title);
        csv.WriteField(c.Summary);
        csv.WriteField(List(c.ViolationTypes.Select(t => t.ToString())));
        csv.WriteField(Date(c.Incident.StartDate));
        csv.WriteField(Date(c.Incident.EndDate));
        csv.WriteField(c.Incident.TimePrecision.ToString());
        csv.WriteField(location.PlaceName);
        csv.WriteField(location.CountryCode);
        csv.WriteField(location.Admin1);
        csv.WriteField(location.Admin2);
        csv.WriteField(location.Latitude, default);
        csv.WriteField(location.Longitude, default);
        csv.WriteField(location.GeoPrecision.ToString());
        csv.WriteField(List(c.Perpetrators.Select(p => p.Name)));
        csv.WriteField(List(c.Perpetrators.Select(p => p.Type.ToString())));
        foreach (var count in new[] { harm.KilledMin, harm.KilledMax, harm.InjuredMin, harm.InjuredMax, harm.CiviliansKilledMin,
                     harm.CiviliansKilledMax, harm.ChildrenKilledMin, harm.ChildrenKilledMax, harm.WomenKilledMin, harm.WomenKilledMax })
            csv.WriteField(count, default);
        csv.WriteField(c.Verdict.Rating.ToString());
        csv.WriteField(c.Verdict.Rationale);
        csv.WriteField(List(c.Verdict.AttributedTo));
        csv.WriteField(Time(c.Verdict.DecidedAt));
        csv.WriteField(List(c.Sources.Select(s => s.Type.ToString())));
        csv.WriteField(List(c.Sources.Select(s => s.Description)));
        csv.WriteField(List(c.Sources.Select(s => s.Url)));
        csv.WriteField(List(c.Evidence.Select(e => e.Id.ToString())));
        csv.WriteField(List(c.Evidence.Select(e => e.Kind.ToString())));
        csv.WriteField(List(c.Evidence.Select(e => e.Sha256)));
        csv.WriteField(List(c.Evidence.Select(e => e.Stance.ToString())));
        csv.WriteField(List(c.Evidence.Select(e => e.ReviewStatus.ToString())));
        csv.WriteField(List(c.Evidence.Select(e => e.SourceReliability?.ToString())));
        csv.WriteField(List(c.Evidence.Select(e => e.InformationCredibility?.ToString(CultureInfo.InvariantCulture))));
        csv.EndRecord();
    }

    public static string Time(DateTime value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static string Date(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Items joined with "; "; an empty item stays in place so that parallel lists keep their positions.</summary>
    public static string List(IEnumerable<string?> items) =>
        string.Join(ListSeparator, items.Select(i => (i ?? string.Empty).Replace("\\", "\\\\", StringComparison.Ordinal).Replace(";", "\\;", StringComparison.Ordinal)));

    /// <summary>Splits a list column written by <see cref="List"/>: the inverse an importer applies.</summary>
    public static IReadOnlyList<string> SplitList(string? column)
    {
        if (string.IsNullOrEmpty(column))
            return [];
        var items = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < column.Length; i++)
        {
            var ch = column[i];
            if (ch == '\\' && i + 1 < column.Length)
            {
                current.Append(column[++i]);
            }
            else if (ch == ';')
            {
                items.Add(current.ToString());
                current.Clear();
                if (i + 1 < column.Length && column[i + 1] == ' ')
                    i++;
            }
            else
            {
                current.Append(ch);
            }
        }
        items.Add(current.ToString());
        return items;
    }
}

/// <summary>Told of each record as it is written, with its exact bytes: the export's manifest is built from these.</summary>
public interface IExportRecords<in T>
{
    ValueTask RecordAsync(T item, ReadOnlySpan<byte> bytes, CancellationToken ct);
}

/// <summary>The partner export's records: the partner claims.</summary>
public interface IExportRecords : IExportRecords<PartnerClaim>;

/// <summary>
/// What the three formats need of a record shape beyond its JSON: the CSV columns and how a row is written, its id,
/// and its point (longitude, latitude) for GeoJSON, or null.
/// </summary>
public sealed record ExportShape<T>(IReadOnlyList<string> CsvColumns, Action<CsvWriter, T> WriteRow, Func<T, Guid> Id,
    Func<T, (double Longitude, double Latitude)?> Point);
