using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Verification.Api.Infrastructure.Storage;

namespace Verification.Api.Infrastructure.Http;

/// <summary>A multipart upload read part by part: the JSON part parsed, the file part streamed into the store.</summary>
public sealed record MultipartUpload<TMetadata>(TMetadata Metadata, PendingBlob File, string? FileContentType, string? FileName, string? ContentDigest)
    : IAsyncDisposable
{
    public ValueTask DisposeAsync() => File.DisposeAsync();

    /// <summary>
    /// Reads <c>multipart/form-data</c> with one JSON part named <paramref name="metadataPart"/> and one part named
    /// <c>file</c>, in either order, with ASP.NET Core's streaming reader: the file never sits whole in memory and
    /// is never buffered a second time. Anything else (a missing or doubled part) is a 400 and leaves no file.
    /// </summary>
    public static async Task<MultipartUpload<TMetadata>> ReadAsync(HttpRequest request, string metadataPart, EvidenceStore store,
        JsonSerializerOptions json, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedContentType(request.ContentType, "multipart/form-data");
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
            throw new InvalidRequest("Content-Type", "The multipart body has no valid boundary.");

        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
        TMetadata? metadata = default;
        var metadataSeen = false;
        PendingBlob? file = null;
        string? fileType = null, fileName = null, digest = null;
        try
        {
            MultipartSection? section;
            while ((section = await ReadSectionAsync(reader, ct)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                    throw new InvalidRequest("multipart", "Every part needs a Content-Disposition with a name.");
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (string.Equals(name, metadataPart, StringComparison.Ordinal))
                {
                    if (metadataSeen)
                        throw new InvalidRequest(metadataPart, $"Send one '{metadataPart}' part.");
                    metadataSeen = true;
                    metadata = await ReadJsonPartAsync(section, metadataPart, json, ct);
                }
                else if (string.Equals(name, "file", StringComparison.Ordinal))
                {
                    if (file is not null)
                        throw new InvalidRequest("file", "Send one 'file' part.");
                    fileType = section.ContentType;
                    fileName = DisplayFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value);
                    digest = section.Headers?.TryGetValue("Content-Digest", out var d) == true ? d.ToString() : null;
                    file = await store.ReceiveAsync(new RequestBodyStream(section.Body), ct);
                }
                else
                {
                    throw new InvalidRequest("multipart", $"Unexpected part '{name}': send '{metadataPart}' and 'file'.");
                }
            }
            if (!metadataSeen || metadata is null)
                throw new InvalidRequest(metadataPart, $"The '{metadataPart}' part (JSON) is missing.");
            if (file is null)
                throw new InvalidRequest("file", "The 'file' part is missing.");
            // A digest on the file part names the file; one on the request is taken to name the file too.
            var requestDigest = request.Headers["Content-Digest"].ToString();
            digest ??= requestDigest.Length > 0 ? requestDigest : null;
            return new MultipartUpload<TMetadata>(metadata, file, fileType, fileName, digest);
        }
        catch
        {
            if (file is not null)
                await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The file name as a name to show, never a path: control characters (U+0000, which PostgreSQL cannot store, line
    /// breaks, escape sequences) and the bidirectional overrides and isolates that make "gnp.exe" read as "exe.png"
    /// are dropped. The bytes are stored under their hash, so the name never reaches the file system.
    /// </summary>
    internal static string? DisplayFileName(string? name)
    {
        if (name is null)
            return null;
        var kept = new System.Text.StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (!char.IsControl(c) && c is not (>= '\u202A' and <= '\u202E') and not (>= '\u2066' and <= '\u2069'))
                kept.Append(c);
        }
        var clean = kept.ToString().Trim();
        return clean.Length == 0 ? null : clean;
    }

    private static async Task<MultipartSection?> ReadSectionAsync(MultipartReader reader, CancellationToken ct)
    {
        try
        {
            return await reader.ReadNextSectionAsync(ct);
        }
        catch (IOException e)
        {
            throw new InvalidRequest("multipart", "The multipart body is truncated or malformed: " + e.Message);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidRequest("multipart", "The multipart body is malformed: " + e.Message);
        }
    }

    private static async Task<TMetadata> ReadJsonPartAsync(MultipartSection section, string part, JsonSerializerOptions json, CancellationToken ct)
    {
        // The JSON part is small: cap it so a huge "metadata" cannot fill memory.
        using var limited = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await ReadPartAsync(section.Body, buffer, ct)) > 0)
        {
            if (limited.Length + read > RequestLimits.MaxJsonBodyBytes)
                throw new PayloadTooLarge(RequestLimits.MaxJsonBodyBytes);
            limited.Write(buffer, 0, read);
        }
        limited.Position = 0;
        try
        {
            return JsonSerializer.Deserialize<TMetadata>(limited, json)
                ?? throw new InvalidRequest(part, $"The '{part}' part is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidRequest(part, $"The '{part}' part is not valid JSON: {e.Message.Split(" Path:")[0]}");
        }
    }

    /// <summary>A body cut short inside the JSON part is the caller's 400, as it is inside the file part.</summary>
    private static async Task<int> ReadPartAsync(Stream body, byte[] buffer, CancellationToken ct)
    {
        try
        {
            return await body.ReadAsync(buffer, ct);
        }
        catch (IOException e)
        {
            throw new InvalidRequest("multipart", "The multipart body is truncated or malformed: " + e.Message);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidRequest("multipart", "The multipart body is malformed: " + e.Message);
        }
    }

    /// <summary>
    /// Tells a broken request body (truncated, malformed) apart from a failure of our own disk: a read that fails is
    /// the caller's 400, while a write that fails stays an internal error.
    /// </summary>
    private sealed class RequestBodyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException e)
            {
                throw new InvalidRequest("file", "The upload is truncated or malformed; nothing was kept. " + e.Message);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidRequest("file", "The upload is malformed; nothing was kept. " + e.Message);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
