using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;

namespace Verification.Api.Features.Imports.Formats;

/// <summary>
/// CSV as RFC 4180 writes it, read with CsvHelper one record at a time: quoted fields may hold commas, quotes and
/// line breaks (UCDP's source texts do). Columns are found by their header name, in any order, and columns a format
/// does not know are ignored, so an export that grows a column still imports.
/// </summary>
public static class CsvFile
{
    /// <summary>
    /// No real record comes near this; an unterminated quote would otherwise make the rest of the file one record,
    /// read whole into memory.
    /// </summary>
    public const int MaxRecordBytes = 4 * 1024 * 1024;

    private static CsvReaderOptions Options(Action<CsvMalformedRecord>? onMalformed) => CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = true,
        Mode = CsvMode.Rfc4180,
        AllowLineBreaksInQuotes = true,
        SkipEmptyLines = true,
        TrimWhitespace = false,
        DetectSeparatorHint = false,
        MaxRecordSize = MaxRecordBytes,
        MalformedData = CsvMalformedDataHandling.Recover,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        MissingField = CsvMissingFieldHandling.ReturnEmpty,
        OnMalformedRecord = onMalformed,
        // Messages may reach an import's error list; the values themselves (names of people) stay out of them.
        IncludeValuesInExceptions = false,
    };

    /// <summary>Reads the header line from the first block of an upload and checks the required columns are there.</summary>
    public static void CheckHeader(ReadOnlySpan<byte> head, bool wholeFile, IEnumerable<string> required)
    {
        StrictUtf8.CheckBlock(head, wholeFile);
        if (head.StartsWith("\uFEFF"u8))
            head = head[3..];
        var end = head.IndexOf((byte)'\n');
        if (end < 0 && !wholeFile)
            throw new ImportFileInvalid($"The header line does not end within the first {ImportFormats.HeadBytes / 1024} KiB.");
        var line = Encoding.UTF8.GetString(end < 0 ? head : head[..end]).TrimEnd('\r');
        if (line.Trim().Length == 0)
            throw new ImportFileInvalid("The first line is empty; a CSV import starts with its header line.");
        using var reader = CsvReader.FromText(line + "\n", Options(null));
        try
        {
            reader.ReadHeader();
            RequireColumns(reader.Headers, required);
        }
        catch (CsvFormatException e)
        {
            throw new ImportFileInvalid("The header line is not well-formed CSV: " + e.Message);
        }
    }

    /// <summary>Streams the records after the header; a problem with the file as a whole throws <see cref="ImportFileInvalid"/>.</summary>
    public static async IAsyncEnumerable<CsvRecord> ReadAsync(Stream file, IEnumerable<string> required,
        [EnumeratorCancellation] CancellationToken ct)
    {
        // Malformed quoting is reported per record (the header is record 1) and the reader recovers; the row fails alone.
        var malformed = new Dictionary<long, CsvMalformedReason>();
        await using var checkedFile = new Utf8CheckingStream(file);
        await using var reader = CsvReader.Create(checkedFile, Options(m => malformed.TryAdd(m.RecordNumber, m.Reason)), leaveOpen: true);
        try
        {
            await reader.ReadHeaderAsync(ct);
        }
        catch (CsvFormatException e)
        {
            throw new ImportFileInvalid("The header line is not well-formed CSV: " + e.Message);
        }
        RequireColumns(reader.Headers, required);
        var width = reader.Headers.Count;
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < width; i++)
            columns.TryAdd(reader.Headers[i].Trim(), i);

        var row = 0;
        while (await ReadAsync(reader, row + 1, ct))
        {
            row++;
            var fields = new string?[reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
                fields[i] = reader.GetString(i);
            var problem = malformed.Remove(row + 1, out var reason)
                ? $"The row is not well-formed CSV ({Describe(reason)})."
                : fields.Length != width ? $"The row has {fields.Length} fields; the header line has {width}." : null;
            yield return new CsvRecord(row, fields, columns, problem);
        }
    }

    /// <summary>
    /// Counts the records after the header with every whole-file check of <see cref="ReadAsync(Stream, IEnumerable{string}, CancellationToken)"/>
    /// (strict UTF-8, the header's required columns, a record that cannot be read as CSV), but without copying a single
    /// field out: an import's first pass needs only to know that the file reads cleanly and how many records it holds.
    /// </summary>
    public static async Task<int> CountAsync(Stream file, IEnumerable<string> required, CancellationToken ct)
    {
        await using var checkedFile = new Utf8CheckingStream(file);
        await using var reader = CsvReader.Create(checkedFile, Options(null), leaveOpen: true);
        try
        {
            await reader.ReadHeaderAsync(ct);
        }
        catch (CsvFormatException e)
        {
            throw new ImportFileInvalid("The header line is not well-formed CSV: " + e.Message);
        }
        RequireColumns(reader.Headers, required);
        var row = 0;
        while (await ReadAsync(reader, row + 1, ct))
            row++;
        return row;
    }

    private static async ValueTask<bool> ReadAsync(CsvReader reader, int row, CancellationToken ct)
    {
        try
        {
            return await reader.ReadAsync(ct);
        }
        catch (CsvFormatException e)
        {
            throw new ImportFileInvalid($"Record {row} cannot be read as CSV: {e.Message} (records longer than "
                + $"{MaxRecordBytes / (1024 * 1024)} MiB are refused: most often a quote that is never closed).");
        }
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote",
        CsvMalformedReason.UnterminatedQuote => "a quote that is never closed",
        _ => reason.ToString(),
    };

    private static void RequireColumns(IReadOnlyList<string> header, IEnumerable<string> required)
    {
        var names = header.Select(h => h.Trim().TrimStart('\uFEFF')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = required.Where(r => !names.Contains(r)).ToList();
        if (missing.Count > 0)
            throw new ImportFileInvalid(
                $"The header line lacks the required column{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)}.");
    }
}

/// <summary>One CSV record, its fields found by column name.</summary>
public sealed class CsvRecord(int row, string?[] fields, IReadOnlyDictionary<string, int> columns, string? shapeProblem)
{
    public int Row { get; } = row;

    /// <summary>Why the record cannot be read field by field, or null when it can.</summary>
    public string? ShapeProblem { get; } = shapeProblem;

    /// <summary>The field under <paramref name="column"/>; null when empty, blank, or not in the file.</summary>
    public string? this[string column] =>
        columns.TryGetValue(column, out var i) && i < fields.Length && !string.IsNullOrWhiteSpace(fields[i]) ? fields[i] : null;
}

/// <summary>
/// Passes a stream through while checking that it is UTF-8, so that a file in another encoding fails with a clear
/// reason instead of importing as replacement characters.
/// </summary>
public sealed class Utf8CheckingStream(Stream inner) : Stream
{
    private readonly Decoder _decoder = StrictUtf8.Encoding.GetDecoder();
    private readonly char[] _scratch = ArrayPool<char>.Shared.Rent(16 * 1024);
    private long _checked;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _checked; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Check(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Check(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Decodes what was read (into a scratch buffer that is thrown away) and returns its length.</summary>
    private int Check(ReadOnlySpan<byte> bytes)
    {
        var read = bytes.Length;
        try
        {
            // At the end of the stream, a character cut short is invalid too.
            if (read == 0)
                _decoder.Convert(ReadOnlySpan<byte>.Empty, _scratch, flush: true, out _, out _, out _);
            while (!bytes.IsEmpty)
            {
                _decoder.Convert(bytes, _scratch, flush: false, out var used, out _, out _);
                if (used == 0)
                    break;
                bytes = bytes[used..];
                _checked += used;
            }
        }
        catch (DecoderFallbackException)
        {
            throw new ImportFileInvalid($"The file is not valid UTF-8 (invalid bytes near byte {_checked}); save it as UTF-8.");
        }
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            ArrayPool<char>.Shared.Return(_scratch);
        base.Dispose(disposing);
    }
}
