using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;
using Verification.Api.Features.Imports.Formats;
using Verification.Domain.Imports;

namespace Verification.Api.Features.Imports;

/// <summary>The JSON "options" part of an upload.</summary>
public sealed record ImportOptions(string? Format, bool? DryRun, string? DatasetVersion);

public sealed record ImportErrorResponse(int Row, string Field, string Message);

/// <summary>An import as lists show it: everything but the errors.</summary>
public sealed record ImportSummary(
    Guid Id,
    ImportStatus Status,
    [property: JsonConverter(typeof(ImportFormatName))] ImportFormat Format,
    string FileSha256,
    long FileSizeBytes,
    string? FileName,
    bool DryRun,
    string? DatasetVersion,
    int? TotalRows,
    int ProcessedRows,
    int CreatedClaims,
    int? WouldCreateClaims,
    int SkippedRows,
    int FailedRows,
    int RecordedErrors,
    Guid CreatedBy,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    int Attempts,
    string? FailureReason);

/// <summary>One import with its errors (the first <see cref="Import.MaxRecordedErrors"/>, in the order they were found).</summary>
public sealed record ImportResponse(
    Guid Id,
    ImportStatus Status,
    [property: JsonConverter(typeof(ImportFormatName))] ImportFormat Format,
    string FileSha256,
    long FileSizeBytes,
    string? FileName,
    bool DryRun,
    string? DatasetVersion,
    int? TotalRows,
    int ProcessedRows,
    int CreatedClaims,
    int? WouldCreateClaims,
    int SkippedRows,
    int FailedRows,
    IReadOnlyList<ImportErrorResponse> Errors,
    Guid CreatedBy,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    int Attempts,
    string? FailureReason)
{
    public static ImportResponse From(ImportSummary s, IReadOnlyList<ImportErrorResponse> errors) => new(
        s.Id, s.Status, s.Format, s.FileSha256, s.FileSizeBytes, s.FileName, s.DryRun, s.DatasetVersion, s.TotalRows,
        s.ProcessedRows, s.CreatedClaims, s.WouldCreateClaims, s.SkippedRows, s.FailedRows, errors, s.CreatedBy, s.CreatedAt,
        s.StartedAt, s.FinishedAt, s.Attempts, s.FailureReason);
}

public static class ImportProjection
{
    /// <summary>
    /// In a dry run nothing is created: createdClaims is 0 and wouldCreateClaims says how many claims the import
    /// would have created; in a real run wouldCreateClaims is null.
    /// </summary>
    public static readonly Expression<Func<Import, ImportSummary>> ToSummary = i => new ImportSummary(
        i.Id, i.Status, i.Format, i.FileSha256, i.FileSizeBytes, i.FileName, i.DryRun, i.DatasetVersion, i.TotalRows,
        i.ProcessedRows, i.DryRun ? 0 : i.NewClaims, i.DryRun ? (int?)i.NewClaims : null, i.SkippedRows, i.FailedRows,
        i.RecordedErrors, i.CreatedBy, i.CreatedAt, i.StartedAt, i.FinishedAt, i.Attempts, i.FailureReason);
}

/// <summary>Writes a format by its wire name (ucdp-ged-csv), not by its C# name.</summary>
public sealed class ImportFormatName : JsonConverter<ImportFormat>
{
    public override ImportFormat Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ImportFormats.TryParse(reader.GetString(), out var format) ? format : throw new JsonException("Unknown import format.");

    public override void Write(Utf8JsonWriter writer, ImportFormat value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ImportFormats.NameOf(value));
}
