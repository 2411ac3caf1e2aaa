using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// A response body that keeps the SHA-256 of every byte it passes on, so that what a manifest says was sent is what
/// was sent. Bytes are copied into the pipe and flushed to the network every <see cref="FlushBytes"/>: a large export
/// never sits in memory, and a slow reader holds the writer back.
/// </summary>
public sealed class HashedBody(PipeWriter pipe) : IDisposable
{
    private const int FlushBytes = 64 * 1024;

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _unflushed;

    public long Length { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        _hash.AppendData(bytes.Span);
        pipe.Write(bytes.Span);
        Length += bytes.Length;
        _unflushed += bytes.Length;
        if (_unflushed >= FlushBytes)
        {
            _unflushed = 0;
            await pipe.FlushAsync(ct);
        }
    }

    /// <summary>Flushes what is left and answers the lowercase hex SHA-256 of everything written.</summary>
    public async ValueTask<string> FinishAsync(CancellationToken ct)
    {
        await pipe.FlushAsync(ct);
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public void Dispose() => _hash.Dispose();
}

/// <summary>
/// An answer whose body a handler produced as a stream (an export, a download): the endpoint only sets the headers and
/// lets it write itself, so no work of the use case happens in the endpoint.
/// </summary>
public sealed class StreamedResult(string contentType, string? fileName, IReadOnlyDictionary<string, string> headers,
    Func<PipeWriter, CancellationToken, Task> writeAsync) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = contentType;
        if (fileName is not null)
            response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        foreach (var (name, value) in headers)
            response.Headers[name] = value;
        await writeAsync(response.BodyWriter, httpContext.RequestAborted);
    }
}
