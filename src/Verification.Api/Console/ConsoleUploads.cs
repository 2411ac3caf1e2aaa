using System.Globalization;
using Mediator;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Verification.Api.Features.Evidence;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Infrastructure.Storage;
using Verification.Domain.Common;
using Verification.Domain.Evidence;

namespace Verification.Api.WebConsole;

/// <summary>
/// A file added from the console goes through the same intake as <c>POST /api/v1/claims/{id}/evidence</c>: the
/// browser's multipart form is read part by part and the file part streamed into the evidence store while it is
/// hashed, never buffered whole. The form puts the antiforgery token first and the file last, so the token is
/// checked before a single byte of the file is kept.
/// </summary>
public static class ConsoleUploads
{
    public const string Path = "/app/claims/{id:guid}/evidence/file";

    public static IEndpointRouteBuilder MapConsoleUploads(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, UploadAsync).RequireAuthorization(Policies.EvidenceIntake)
            .WithMetadata(new LargeBodyMetadata()).DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/app/evidence/{id:guid}/content", DownloadAsync).RequireAuthorization(Policies.Staff).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> UploadAsync(Guid id, HttpContext http, IAntiforgery antiforgery, ISender sender,
        EvidenceStore store, CancellationToken ct)
    {
        PendingBlob? file = null;
        try
        {
            (var fields, file, var fileName, var fileType) = await ReadFormAsync(http, antiforgery, store, ct);
            var metadata = new EvidenceMetadata(
                Enum.TryParse<EvidenceKind>(fields.GetValueOrDefault("kind"), out var kind) ? kind : null,
                Blank(fields.GetValueOrDefault("title")), Blank(fields.GetValueOrDefault("description")), null,
                DateTime.TryParse(fields.GetValueOrDefault("collectedAt"), CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null,
                Blank(fields.GetValueOrDefault("collectedBy")), Blank(fields.GetValueOrDefault("origin")),
                Enum.TryParse<EvidenceStance>(fields.GetValueOrDefault("stance"), out var stance) ? stance : null,
                null, null);
            var result = await sender.Send(new AddEvidence.Command(id, null, metadata, file, fileType, fileName, null), ct);
            return TypedResults.Redirect($"/app/claims/{id}?added={result.Evidence.Id}#evidence");
        }
        catch (Exception e) when (e is DomainException or FluentValidation.ValidationException or HttpProblem or BadHttpRequestException
                                       or IOException or InvalidDataException)
        {
            var problem = ProblemDetailsExceptionHandler.Map(e is IOException or InvalidDataException
                ? new InvalidRequest("file", "The upload is truncated or malformed; nothing was kept.") : e);
            return new RazorComponentResult<UploadRefused>(new { ClaimId = id, Problem = problem })
            {
                StatusCode = problem.Status ?? StatusCodes.Status400BadRequest,
            };
        }
        finally
        {
            if (file is not null)
                await file.DisposeAsync();
        }
    }

    /// <summary>
    /// The original bytes, through the same command as the API (a custody event per download), always as an attachment:
    /// evidence is untrusted content and must never be rendered by the browser inside the console's origin.
    /// </summary>
    private static async Task<IResult> DownloadAsync(Guid id, ISender sender, CancellationToken ct)
    {
        var file = await sender.Send(new OpenEvidenceContent.Command(id, null), ct);
        return TypedResults.PhysicalFile(file.Path, "application/octet-stream", file.FileName ?? $"{file.Sha256}.bin",
            entityTag: new EntityTagHeaderValue($"\"{file.Sha256}\""));
    }

    /// <summary>
    /// Reads a browser's multipart form part by part: the antiforgery token first (checked before anything is kept),
    /// small fields into memory, the one file part streamed into the store while hashed.
    /// </summary>
    internal static async Task<(Dictionary<string, string> Fields, PendingBlob File, string? FileName, string? FileType)> ReadFormAsync(
        HttpContext http, IAntiforgery antiforgery, EvidenceStore store, CancellationToken ct)
    {
        PendingBlob? file = null;
        try
        {
            if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var mediaType)
                || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
                || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
                throw new UnsupportedContentType(http.Request.ContentType, "multipart/form-data");
            var reader = new MultipartReader(boundary, http.Request.Body) { HeadersLengthLimit = 16 * 1024 };
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            string? fileName = null, fileType = null;
            var tokenChecked = false;
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                    throw new InvalidRequest("multipart", "Every part needs a Content-Disposition with a name.");
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (!tokenChecked)
                {
                    // The first part must be the token: the antiforgery check reads it from the header we set here
                    // (it then does not read the form, which would buffer the file).
                    var options = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<AntiforgeryOptions>>().Value;
                    if (name != options.FormFieldName)
                        throw new BadHttpRequestException("A valid antiforgery token was not provided with the request.");
                    http.Request.Headers[options.HeaderName ?? "RequestVerificationToken"] = await ReadTextAsync(section, ct);
                    if (!await antiforgery.IsRequestValidAsync(http))
                        throw new BadHttpRequestException("A valid antiforgery token was not provided with the request.");
                    tokenChecked = true;
                    continue;
                }
                if (name == "file")
                {
                    if (file is not null)
                        throw new InvalidRequest("file", "Send one file.");
                    fileType = section.ContentType;
                    fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    if (string.IsNullOrEmpty(fileName))
                        throw new InvalidRequest("file", "Choose a file to upload.");
                    file = await store.ReceiveAsync(section.Body, ct);
                }
                else if (fields.Count < 20)
                {
                    fields[name] = await ReadTextAsync(section, ct);
                }
            }
            if (!tokenChecked)
                throw new BadHttpRequestException("A valid antiforgery token was not provided with the request.");
            if (file is null)
                throw new InvalidRequest("file", "Choose a file to upload.");
            return (fields, file, fileName, fileType);
        }
        catch
        {
            if (file is not null)
                await file.DisposeAsync();
            throw;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static async Task<string> ReadTextAsync(MultipartSection section, CancellationToken ct)
    {
        // Form fields are short; a field larger than the JSON limit is refused rather than read into memory.
        using var limited = new MemoryStream();
        var buffer = new byte[8 * 1024];
        int read;
        while ((read = await section.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (limited.Length + read > 64 * 1024)
                throw new PayloadTooLarge(64 * 1024);
            limited.Write(buffer, 0, read);
        }
        return System.Text.Encoding.UTF8.GetString(limited.GetBuffer(), 0, (int)limited.Length);
    }
}
