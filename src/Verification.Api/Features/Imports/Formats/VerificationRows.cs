using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;
using Verification.Domain.Imports;

namespace Verification.Api.Features.Imports.Formats;

internal static class VerificationRows
{
    /// <summary>A record becomes a claim when it read cleanly and can be named: by its externalId, or by its reference.</summary>
    public static ImportRow From(int row, VerificationRecord record, List<RowProblem> problems, string externalIdField)
    {
        if (record.ImportExternalId is null)
            problems.Add(new RowProblem(externalIdField,
                "A row needs an externalId or a reference, so that importing the file again skips it instead of creating it twice."));
        return problems.Count > 0 ? ImportRow.Invalid(row, problems) : ImportRow.Valid(row, record.ToClaimInput());
    }
}
