using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;
using Verification.Domain.Imports;

namespace Verification.Api.Features.Imports.Formats;

/// <summary>verification-ndjson: one <see cref="VerificationRecord"/> as JSON per line; blank lines are not records.</summary>
public sealed class VerificationNdjsonReader : IImportFormatReader
{
    /// <summary>One claim is far smaller (a summary is at most 10,000 characters); a longer line is not a claim.</summary>
    public const int MaxLineBytes = 4 * 1024 * 1024;

    public ImportFormat Format => ImportFormat.VerificationNdjson;

    public void CheckHead(ReadOnlySpan<byte> head, bool wholeFile)
    {
        StrictUtf8.CheckBlock(head, wholeFile);
        if (head.StartsWith("\uFEFF"u8))
            head = head[3..];
        foreach (var range in head.Split((byte)'\n'))
        {
            var line = head[range];
            var complete = range.End.Value < head.Length || wholeFile;
            if (line.Trim(" \t\r"u8).IsEmpty)
                continue;
            if (!complete)
                return; // the first record runs past the first block: it is read, and judged, with the rest
            var reader = new Utf8JsonReader(line);
            try
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !reader.TrySkip() || reader.Read())
                    throw new ImportFileInvalid("The first line is not one JSON object: verification-ndjson holds one claim per line.");
            }
            catch (JsonException)
            {
                throw new ImportFileInvalid("The first line is not JSON: verification-ndjson holds one claim, as a JSON object, per line.");
            }
            return;
        }
        throw new ImportFileInvalid("The file holds no record.");
    }

    public async IAsyncEnumerable<ImportRow> ReadAsync(Stream file, ImportReadContext context, [EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0, line = 0, row = 0;
        var final = false;
        while (true)
        {
            int newline;
            while ((newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n')) >= 0 || (final && start < end))
            {
                var length = newline >= 0 ? newline : end - start;
                line++;
                var text = Line(buffer.AsSpan(start, length), line);
                start += newline >= 0 ? newline + 1 : length;
                if (text.IsEmpty)
                    continue;
                row++;
                yield return Read(row, text);
            }
            if (final)
                yield break;
            ct.ThrowIfCancellationRequested();
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length)
            {
                if (buffer.Length >= MaxLineBytes)
                    throw new ImportFileInvalid($"Line {line + 1} is longer than {MaxLineBytes / (1024 * 1024)} MiB; one claim is never that long.");
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxLineBytes));
            }
            var read = await file.ReadAsync(buffer.AsMemory(end), ct);
            final = read == 0;
            end += read;
        }
    }

    public string FieldFor(string claimField) => claimField;

    /// <summary>The line without its BOM, carriage return and surrounding blanks; bytes that are not UTF-8 fail the file.</summary>
    private static ReadOnlySpan<byte> Line(ReadOnlySpan<byte> bytes, int line)
    {
        if (line == 1 && bytes.StartsWith("\uFEFF"u8))
            bytes = bytes[3..];
        if (!Utf8.IsValid(bytes))
            throw new ImportFileInvalid($"Line {line} is not valid UTF-8; save the file as UTF-8.");
        return bytes.Trim(" \t\r"u8);
    }

    private static ImportRow Read(int row, ReadOnlySpan<byte> json)
    {
        VerificationRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<VerificationRecord>(json, VerificationRecordFormat.Json);
        }
        catch (JsonException e)
        {
            var path = e.Path is null or "$" ? "row" : e.Path.TrimStart('$', '.');
            var message = e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)
                ? "The value is not of the kind this field takes (a listed name, a yyyy-MM-dd date, a number, a list)."
                : "The line is not valid JSON: " + e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].Trim();
            return ImportRow.Invalid(row, [new RowProblem(path, message)]);
        }
        if (record is null)
            return ImportRow.Invalid(row, [new RowProblem("row", "The line is null; it should be one claim as a JSON object.")]);
        return VerificationRows.From(row, record, [], VerificationRecordFormat.ExternalId);
    }
}
