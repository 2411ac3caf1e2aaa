using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;
using Verification.Domain.Imports;

namespace Verification.Api.Features.Imports.Formats;

/// <summary>verification-csv: the partner export's CSV (<see cref="VerificationRecordFormat"/> reads its columns), one claim per record.</summary>
public sealed class VerificationCsvReader : IImportFormatReader
{
    public ImportFormat Format => ImportFormat.VerificationCsv;

    public void CheckHead(ReadOnlySpan<byte> head, bool wholeFile) =>
        CsvFile.CheckHeader(head, wholeFile, VerificationRecordFormat.RequiredCsvColumns);

    /// <summary>The records counted by the CSV reader alone: a row's mapping never makes the whole file unreadable.</summary>
    public Task<int> CountAsync(Stream file, ImportReadContext context, CancellationToken ct) => CsvFile.CountAsync(file, VerificationRecordFormat.RequiredCsvColumns, ct);

    public async IAsyncEnumerable<ImportRow> ReadAsync(Stream file, ImportReadContext context, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var record in CsvFile.ReadAsync(file, VerificationRecordFormat.RequiredCsvColumns, ct))
        {
            if (record.ShapeProblem is { } shape)
            {
                yield return ImportRow.Invalid(record.Row, [new RowProblem("row", shape)]);
                continue;
            }
            var problems = new List<RowProblem>();
            var read = VerificationRecordFormat.FromCsv(column => record[column], problems);
            yield return VerificationRows.From(record.Row, read, problems, VerificationRecordFormat.Reference);
        }
    }

    /// <summary>
    /// The columns are the claim's own paths: "perpetrators[1].name" is the column perpetrators.name, a problem with the
    /// whole sources list is sources.type's, and a missing external id is the reference's.
    /// </summary>
    public string FieldFor(string claimField)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(claimField, @"\[\d+\]", string.Empty);
        return path switch
        {
            "perpetrators" => VerificationRecordFormat.PerpetratorNames,
            "sources" => VerificationRecordFormat.SourceTypes,
            "externalId" => VerificationRecordFormat.Reference,
            _ => path,
        };
    }
}
