using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Verification.Api.Infrastructure.Integrity;

namespace Verification.Api.Infrastructure.Keys;

/// <summary>The authority could not give a timestamp token that passes every check; the message says why.</summary>
public sealed class TimestampAuthorityException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// RFC 3161 trusted time from the authority at <c>Signing:TimestampAuthorityUrl</c>: a TimeStampReq for a SHA-256
/// digest with a fresh nonce, POSTed as <c>application/timestamp-query</c>. The answer is accepted only when the
/// framework's checks pass (status granted, the same digest and nonce, the authority's certificate included) and the
/// token's signature verifies; with <c>Signing:TimestampAuthorityCertificatePath</c> set, it must also be signed
/// by that certificate.
/// </summary>
public sealed class Rfc3161TimestampAuthority : ITimestampAuthority
{
    public const string ClientName = "timestamp-authority";

    private readonly IHttpClientFactory _clients;
    private readonly Uri? _url;
    private readonly X509Certificate2? _pinned;

    public Rfc3161TimestampAuthority(IHttpClientFactory clients, IConfiguration configuration)
    {
        _clients = clients;
        if (configuration["Signing:TimestampAuthorityUrl"] is { Length: > 0 } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new InvalidOperationException($"Signing:TimestampAuthorityUrl '{url}' is not an absolute http(s) URL.");
            _url = uri;
        }
        if (configuration["Signing:TimestampAuthorityCertificatePath"] is { Length: > 0 } certificate)
            _pinned = X509CertificateLoader.LoadCertificateFromFile(certificate);
    }

    public bool IsConfigured => _url is not null;

    public async Task<byte[]> TimestampAsync(ReadOnlyMemory<byte> sha256Digest, CancellationToken cancellationToken)
    {
        if (_url is null)
            throw new InvalidOperationException("No timestamp authority is configured (Signing:TimestampAuthorityUrl).");
        if (sha256Digest.Length != SHA256.HashSizeInBytes)
            throw new ArgumentException("A SHA-256 digest is 32 bytes.", nameof(sha256Digest));

        var request = Rfc3161TimestampRequest.CreateFromHash(sha256Digest, HashAlgorithmName.SHA256,
            nonce: RandomNumberGenerator.GetBytes(16), requestSignerCertificates: true);
        using var content = new ByteArrayContent(request.Encode());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");

        byte[] body;
        try
        {
            using var response = await _clients.CreateClient(ClientName).PostAsync(_url, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new TimestampAuthorityException($"The timestamp authority {_url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new TimestampAuthorityException($"The timestamp authority {_url} could not be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimestampAuthorityException($"The timestamp authority {_url} did not answer in time.", e);
        }

        Rfc3161TimestampToken token;
        try
        {
            // Checks the status, the message imprint (algorithm and digest), the nonce and that the certificate came back.
            token = request.ProcessResponse(body, out var consumed);
            if (consumed != body.Length)
                throw new CryptographicException("Trailing bytes after the TimeStampResp.");
        }
        catch (CryptographicException e)
        {
            throw new TimestampAuthorityException($"The timestamp authority {_url} sent a response that does not answer this request: {e.Message}", e);
        }
        if (!token.VerifySignatureForHash(sha256Digest.Span, HashAlgorithmName.SHA256, out var signer, extraCandidates: _pinned is null ? null : [_pinned]))
            throw new TimestampAuthorityException($"The timestamp token from {_url} does not verify: its signature or its signing certificate is wrong.");
        if (_pinned is not null && !signer!.RawDataMemory.Span.SequenceEqual(_pinned.RawDataMemory.Span))
            throw new TimestampAuthorityException($"The timestamp token from {_url} is signed by {signer!.Subject}, not by the configured authority certificate.");
        return token.AsSignedCms().Encode();
    }
}
