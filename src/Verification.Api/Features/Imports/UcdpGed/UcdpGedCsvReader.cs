using System.Runtime.CompilerServices;
using Verification.Api.Features.Imports.Formats;
using Verification.Domain.Imports;

namespace Verification.Api.Features.Imports.UcdpGed;

/// <summary>The UCDP GED CSV: one event per record, codebook names in the header line, quoted fields with line breaks.</summary>
public sealed class UcdpGedCsvReader : IImportFormatReader
{
    public ImportFormat Format => ImportFormat.UcdpGedCsv;

    public void CheckHead(ReadOnlySpan<byte> head, bool wholeFile) => CsvFile.CheckHeader(head, wholeFile, UcdpGedMapping.RequiredFields);

    /// <summary>The records counted by the CSV reader alone: a row's mapping never makes the whole file unreadable.</summary>
    public Task<int> CountAsync(Stream file, ImportReadContext context, CancellationToken ct) => CsvFile.CountAsync(file, UcdpGedMapping.RequiredFields, ct);

    public async IAsyncEnumerable<ImportRow> ReadAsync(Stream file, ImportReadContext context, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var record in CsvFile.ReadAsync(file, UcdpGedMapping.RequiredFields, ct))
        {
            yield return record.ShapeProblem is { } problem
                ? ImportRow.Invalid(record.Row, [new RowProblem("row", problem)])
                : UcdpGedMapping.ToRow(record.Row, column => record[column], null, context);
        }
    }

    public string FieldFor(string claimField) => UcdpGedFields.For(claimField);
}
