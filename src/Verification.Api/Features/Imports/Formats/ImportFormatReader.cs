using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Verification.Api.Features.Claims;
using Verification.Domain.Imports;

namespace Verification.Api.Features.Imports.Formats;

/// <summary>Why one row could not become a claim, named by the field as the file calls it.</summary>
public sealed record RowProblem(string Field, string Message);

/// <summary>
/// One record of an import file: its number (1 = the first record; a CSV header is not counted) and either the
/// claim it describes or the problems that kept it from describing one.
/// </summary>
public sealed record ImportRow(int Row, ClaimInput? Claim, IReadOnlyList<RowProblem> Problems)
{
    public static ImportRow Valid(int row, ClaimInput claim) => new(row, claim, []);

    public static ImportRow Invalid(int row, IReadOnlyList<RowProblem> problems) => new(row, null, problems);
}

/// <summary>What a reader needs to know beyond the bytes: the UCDP version its attribution names.</summary>
public sealed record ImportReadContext(string? DatasetVersion);

/// <summary>
/// The file as a whole cannot be read in its format (not UTF-8, broken JSON, an unterminated quote): nothing past
/// this point can be trusted, so the import fails with this reason instead of reporting rows.
/// </summary>
public sealed class ImportFileInvalid(string reason) : Exception(reason);

/// <summary>One import format: the checks that can be made on the first block at upload, and the streaming reader.</summary>
public interface IImportFormatReader
{
    ImportFormat Format { get; }

    /// <summary>
    /// Refuses a file whose first block already shows it is not this format (bad UTF-8, a missing required column).
    /// <paramref name="wholeFile"/> is true when the block is the whole file.
    /// </summary>
    void CheckHead(ReadOnlySpan<byte> head, bool wholeFile);

    /// <summary>Reads the file record by record; the file is never held whole in memory.</summary>
    IAsyncEnumerable<ImportRow> ReadAsync(Stream file, ImportReadContext context, CancellationToken ct);

    /// <summary>
    /// Reads the file through, with every check that makes <see cref="ReadAsync"/> throw <see cref="ImportFileInvalid"/>,
    /// and returns the number of records: an import's first pass. A reader whose records can be counted without
    /// mapping each one to a claim says so by overriding this.
    /// </summary>
    async Task<int> CountAsync(Stream file, ImportReadContext context, CancellationToken ct)
    {
        var rows = 0;
        await foreach (var _ in ReadAsync(file, context, ct))
            rows++;
        return rows;
    }

    /// <summary>
    /// The file's own name for a claim field that failed validation ("incident.location.countryCode" is "country"
    /// in a UCDP file), so that an error points at the column the importer can fix.
    /// </summary>
    string FieldFor(string claimField);
}

/// <summary>The wire names of the formats, and the reader of each.</summary>
public static class ImportFormats
{
    /// <summary>How much of an upload is looked at before answering: enough for any sane header line.</summary>
    public const int HeadBytes = 64 * 1024;

    private static readonly Dictionary<string, ImportFormat> ByName = new(StringComparer.Ordinal)
    {
        ["verification-csv"] = ImportFormat.VerificationCsv,
        ["verification-ndjson"] = ImportFormat.VerificationNdjson,
        ["ucdp-ged-csv"] = ImportFormat.UcdpGedCsv,
        ["ucdp-ged-geojson"] = ImportFormat.UcdpGedGeojson,
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool TryParse(string? name, out ImportFormat format) => ByName.TryGetValue(name ?? string.Empty, out format);

    public static string NameOf(ImportFormat format) => ByName.First(p => p.Value == format).Key;

    public static bool IsUcdp(ImportFormat format) => format is ImportFormat.UcdpGedCsv or ImportFormat.UcdpGedGeojson;

    public static IImportFormatReader ReaderFor(ImportFormat format) => format switch
    {
        ImportFormat.VerificationCsv => new VerificationCsvReader(),
        ImportFormat.VerificationNdjson => new VerificationNdjsonReader(),
        ImportFormat.UcdpGedCsv => new UcdpGed.UcdpGedCsvReader(),
        ImportFormat.UcdpGedGeojson => new UcdpGed.UcdpGedGeojsonReader(),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown import format."),
    };
}

/// <summary>Strict UTF-8: the formats are all UTF-8, and a file in another encoding would import as mojibake.</summary>
public static class StrictUtf8
{
    /// <summary>Throws on invalid bytes instead of replacing them with U+FFFD.</summary>
    public static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Checks a block of the file. A multi-byte character cut at the end of a block that is not the whole file is
    /// fine: the next block completes it.
    /// </summary>
    public static void CheckBlock(ReadOnlySpan<byte> block, bool wholeFile)
    {
        if (block.Length >= 2 && (block[0], block[1]) is (0xFF, 0xFE) or (0xFE, 0xFF))
            throw new ImportFileInvalid("The file is UTF-16; save it as UTF-8.");
        var chars = ArrayPool<char>.Shared.Rent(block.Length + 1);
        try
        {
            var status = Utf8.ToUtf16(block, chars, out var read, out _, replaceInvalidSequences: false, isFinalBlock: wholeFile);
            if (status == OperationStatus.InvalidData)
                throw new ImportFileInvalid($"The file is not valid UTF-8 (invalid bytes at offset {read}); save it as UTF-8.");
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The text of a block without a leading byte-order mark.</summary>
    public static string Text(ReadOnlySpan<byte> block)
    {
        if (block.StartsWith("\uFEFF"u8))
            block = block[3..];
        return System.Text.Encoding.UTF8.GetString(block);
    }
}
