using System.Runtime.CompilerServices;
using System.Text.Json;
using Verification.Api.Features.Imports.Formats;
using Verification.Domain.Imports;

namespace Verification.Api.Features.Imports.UcdpGed;

/// <summary>
/// The UCDP GED GeoJSON: a FeatureCollection whose features carry the codebook fields as properties and the event's
/// point as geometry. The features array is read one feature at a time with <see cref="Utf8JsonReader"/> over a
/// refilled buffer, so a file of any size is never parsed whole.
/// </summary>
public sealed class UcdpGedGeojsonReader : IImportFormatReader
{
    /// <summary>A single feature larger than this is not an event; the buffer stops growing there.</summary>
    public const int MaxFeatureBytes = 4 * 1024 * 1024;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public ImportFormat Format => ImportFormat.UcdpGedGeojson;

    public void CheckHead(ReadOnlySpan<byte> head, bool wholeFile)
    {
        StrictUtf8.CheckBlock(head, wholeFile);
        if (head.StartsWith("\uFEFF"u8))
            head = head[3..];
        var reader = new Utf8JsonReader(head, wholeFile, new JsonReaderState(ReaderOptions));
        try
        {
            if (!reader.Read())
                throw new ImportFileInvalid("The file holds no JSON.");
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new ImportFileInvalid("A GeoJSON file is one JSON object, a FeatureCollection.");
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("type"u8))
                {
                    if (!reader.Read())
                        break;
                    if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("FeatureCollection"u8))
                        throw new ImportFileInvalid("The GeoJSON object is not a FeatureCollection.");
                }
            }
        }
        catch (JsonException e)
        {
            throw new ImportFileInvalid($"The file is not valid JSON (at byte {reader.BytesConsumed}): {FirstSentence(e.Message)}");
        }
    }

    public async IAsyncEnumerable<ImportRow> ReadAsync(Stream file, ImportReadContext context, [EnumeratorCancellation] CancellationToken ct)
    {
        var scan = new Scan(context);
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        var final = false;
        long offset = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (!final)
            {
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                if (end == buffer.Length)
                {
                    if (buffer.Length >= MaxFeatureBytes)
                        throw new ImportFileInvalid($"A value near byte {offset} is larger than {MaxFeatureBytes / (1024 * 1024)} MiB; a feature is never that large.");
                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxFeatureBytes));
                }
                var read = await file.ReadAsync(buffer.AsMemory(end), ct);
                if (read == 0)
                    final = true;
                end += read;
            }

            var consumed = scan.Advance(buffer.AsSpan(start, end - start), offset);
            start += consumed;
            offset += consumed;
            foreach (var row in scan.Rows)
                yield return row;
            scan.Rows.Clear();
            if (scan.Done)
            {
                if (buffer.AsSpan(start, end - start).Trim(" \t\r\n"u8).Length > 0 || (!final && await HasMoreThanWhiteSpace(file, ct)))
                    throw new ImportFileInvalid("The file goes on after the GeoJSON object ends.");
                yield break;
            }
            if (final && consumed == 0)
                throw new ImportFileInvalid(scan.SawFeatures
                    ? "The file ends inside the features array: it was cut short."
                    : "The file ends without a features array: it is not a GeoJSON FeatureCollection.");
        }
    }

    public string FieldFor(string claimField) => UcdpGedFields.For(claimField);

    private static async Task<bool> HasMoreThanWhiteSpace(Stream file, CancellationToken ct)
    {
        var rest = new byte[4096];
        int read;
        while ((read = await file.ReadAsync(rest, ct)) > 0)
        {
            if (rest.AsSpan(0, read).Trim(" \t\r\n"u8).Length > 0)
                return true;
        }
        return false;
    }

    private static string FirstSentence(string message) => message.Split(" LineNumber:")[0].Split(" Path:")[0].Trim();

    /// <summary>
    /// The synchronous half of the reader (a <see cref="Utf8JsonReader"/> cannot live across an await): it walks as
    /// far as the buffer allows, turns each complete feature into a row, and says how many bytes it used up.
    /// </summary>
    private sealed class Scan(ImportReadContext context)
    {
        private enum Place
        {
            BeforeRoot,
            InRoot,
            InFeatures,
        }

        private JsonReaderState _state = new(ReaderOptions);
        private Place _place = Place.BeforeRoot;
        private int _row;

        public List<ImportRow> Rows { get; } = [];
        public bool Done { get; private set; }
        public bool SawFeatures { get; private set; }

        public int Advance(ReadOnlySpan<byte> data, long offset)
        {
            if (offset == 0 && data.StartsWith("\uFEFF"u8))
                return 3;
            // Never a final block for the JSON reader: at the end of the file, an object that is not closed simply
            // stops the scan, and the caller says what is missing instead of the reader's generic complaint.
            var reader = new Utf8JsonReader(data, isFinalBlock: false, _state);
            var used = 0;
            try
            {
                while (!Done)
                {
                    // Every step starts from a checkpoint: when a value is not whole in the buffer, the next call
                    // begins again at its first byte with more data.
                    var checkpoint = reader;
                    if (!reader.Read())
                        break;
                    if (!Step(ref reader, data, checkpoint.BytesConsumed, offset))
                    {
                        reader = checkpoint;
                        break;
                    }
                    used = (int)reader.BytesConsumed;
                    _state = reader.CurrentState;
                }
            }
            catch (JsonException e)
            {
                throw new ImportFileInvalid($"The file is not valid JSON near byte {offset + reader.BytesConsumed}: {FirstSentence(e.Message)}");
            }
            return used;
        }

        /// <summary>Handles the token just read; false when the value it starts is not whole in the buffer yet.</summary>
        private bool Step(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, long tokenStart, long offset)
        {
            switch (_place)
            {
                case Place.BeforeRoot:
                    if (reader.TokenType != JsonTokenType.StartObject)
                        throw new ImportFileInvalid("A GeoJSON file is one JSON object, a FeatureCollection.");
                    _place = Place.InRoot;
                    return true;

                case Place.InRoot when reader.TokenType == JsonTokenType.EndObject:
                    Done = true;
                    return true;

                case Place.InRoot when reader.TokenType == JsonTokenType.PropertyName:
                    var isFeatures = reader.ValueTextEquals("features"u8);
                    var probe = reader;
                    if (!probe.Read())
                        return false;
                    if (isFeatures)
                    {
                        if (probe.TokenType != JsonTokenType.StartArray)
                            throw new ImportFileInvalid("The features member of a FeatureCollection is an array.");
                        reader = probe;
                        _place = Place.InFeatures;
                        SawFeatures = true;
                        return true;
                    }
                    // Any other member (type, name, crs, bbox) is skipped whole.
                    if (!probe.TrySkip())
                        return false;
                    reader = probe;
                    return true;

                case Place.InFeatures when reader.TokenType == JsonTokenType.EndArray:
                    _place = Place.InRoot;
                    return true;

                case Place.InFeatures:
                    var whole = reader;
                    if (!whole.TrySkip())
                        return false;
                    _row++;
                    // The JSON reader checks structure, not the bytes inside strings; a feature is checked whole.
                    if (!System.Text.Unicode.Utf8.IsValid(data[(int)tokenStart..(int)whole.BytesConsumed]))
                        throw new ImportFileInvalid($"Feature {_row} (near byte {offset + tokenStart}) is not valid UTF-8; save the file as UTF-8.");
                    Rows.Add(Feature(ref reader));
                    return true;

                default:
                    throw new ImportFileInvalid($"Unexpected {reader.TokenType} in the GeoJSON object.");
            }
        }

        private ImportRow Feature(ref Utf8JsonReader reader)
        {
            using var feature = JsonDocument.ParseValue(ref reader);
            var root = feature.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("properties", out var properties)
                || properties.ValueKind != JsonValueKind.Object)
                return ImportRow.Invalid(_row, [new RowProblem("properties", "A feature is an object with a properties object.")]);
            // One pass over the properties: looking each field up in the element itself scans all of them every time.
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var property in properties.EnumerateObject())
                fields.TryAdd(property.Name, Text(property.Value));
            return UcdpGedMapping.ToRow(_row, name => fields.GetValueOrDefault(name), Point(root), context);
        }

        private static string? Text(JsonElement value)
        {
            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            };
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }

        /// <summary>
        /// A Point geometry's [longitude, latitude]; null for any other geometry, and for coordinates that are not two
        /// finite numbers (TryGetDouble throws on a string, which failed the whole import, retried, for one feature).
        /// </summary>
        private static (double Latitude, double Longitude)? Point(JsonElement feature)
        {
            if (!feature.TryGetProperty("geometry", out var geometry) || geometry.ValueKind != JsonValueKind.Object
                || !geometry.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Point"
                || !geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array
                || coordinates.GetArrayLength() < 2
                || coordinates[0].ValueKind != JsonValueKind.Number || coordinates[1].ValueKind != JsonValueKind.Number
                || !coordinates[0].TryGetDouble(out var longitude) || !coordinates[1].TryGetDouble(out var latitude))
                return null;
            return (latitude, longitude);
        }
    }
}
