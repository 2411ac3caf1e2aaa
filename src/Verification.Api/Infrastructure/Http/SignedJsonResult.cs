namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// A JSON body served exactly as signed, with <c>Signature: keyId="…", sig="…"</c> (base64 of a DER ECDSA P-256
/// signature over the body's bytes). The bytes are fixed before the answer starts, so nothing may re-serialize them.
/// </summary>
public sealed class SignedJsonResult(ReadOnlyMemory<byte> body, string keyId, byte[] signature) : IResult
{
    public ReadOnlyMemory<byte> Body { get; } = body;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = Body.Length;
        response.Headers["Signature"] = $"keyId=\"{keyId}\", sig=\"{Convert.ToBase64String(signature)}\"";
        await response.Body.WriteAsync(Body, httpContext.RequestAborted);
    }
}
