using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Verification.Api.Tests.Infrastructure;

/// <summary>
/// An RFC 3161 timestamp authority of our own on loopback: Kestrel answers POST /tsa with a real TimeStampResp
/// (RFC 3161 §2.4.2) whose token is a CMS SignedData over a TSTInfo, signed with a self-signed ECDSA certificate
/// that carries the critical id-kp-timeStamping usage and the ESS signing-certificate-v2 attribute (RFC 5816), as a
/// real authority's does. .NET has no TSA server, so the structures are written here with AsnWriter from the RFC.
/// <see cref="Behaviour"/> makes it lie in the ways a client must catch.
/// </summary>
public sealed class LoopbackTimestampAuthority : IAsyncDisposable
{
    public enum Mode { Honest, WrongDigest, WrongNonce, BrokenSignature, Rejection, Slow }

    private const string TstInfoOid = "1.2.840.113549.1.9.16.1.4";
    private const string SigningCertificateV2Oid = "1.2.840.113549.1.9.16.2.47";
    private const string Sha256Oid = "2.16.840.1.101.3.4.2.1";
    public const string PolicyOid = "1.3.6.1.4.1.59999.3161.1";

    private readonly WebApplication _app;
    private long _serial;

    private LoopbackTimestampAuthority(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    public X509Certificate2 Certificate { get; }
    public Mode Behaviour { get; set; } = Mode.Honest;
    public Uri Url { get; private set; } = null!;
    public int Requests => (int)Interlocked.Read(ref _serial);

    public static async Task<LoopbackTimestampAuthority> StartAsync()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Verification test TSA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.8")], critical: true));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var tsa = new LoopbackTimestampAuthority(app, certificate);
        app.MapPost("/tsa", tsa.AnswerAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        tsa.Url = new Uri(address + "/tsa");
        return tsa;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        if (context.Request.ContentType != "application/timestamp-query")
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (!Rfc3161TimestampRequest.TryDecode(body.ToArray(), out var request, out _))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var serial = Interlocked.Increment(ref _serial);
        if (Behaviour == Mode.Slow)
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);

        var response = Behaviour == Mode.Rejection ? Rejection() : Grant(request, serial);
        if (Behaviour == Mode.BrokenSignature)
            response[^1] ^= 0x01; // the last byte of the DER is the last byte of the SignerInfo's signature
        context.Response.ContentType = "application/timestamp-reply";
        await context.Response.Body.WriteAsync(response);
    }

    private byte[] Grant(Rfc3161TimestampRequest request, long serial)
    {
        var digest = request.GetMessageHash().ToArray();
        if (Behaviour == Mode.WrongDigest)
            digest = SHA256.HashData(digest);
        var nonce = request.GetNonce()?.ToArray();
        if (Behaviour == Mode.WrongNonce && nonce is not null)
            nonce = [0x01, .. RandomNumberGenerator.GetBytes(8)];

        // TSTInfo (RFC 3161 §2.4.2)
        var info = new AsnWriter(AsnEncodingRules.DER);
        using (info.PushSequence())
        {
            info.WriteInteger(1);
            info.WriteObjectIdentifier(PolicyOid);
            using (info.PushSequence())
            {
                using (info.PushSequence())
                {
                    info.WriteObjectIdentifier(Sha256Oid);
                }
                info.WriteOctetString(digest);
            }
            info.WriteInteger(serial);
            info.WriteGeneralizedTime(DateTimeOffset.UtcNow, omitFractionalSeconds: true);
            if (nonce is not null)
                info.WriteInteger(nonce); // the request's INTEGER content bytes, as they came
        }

        // ESS signing-certificate-v2 (RFC 5035): SEQUENCE { certs SEQUENCE OF ESSCertIDv2 { certHash } }, SHA-256 by default.
        var essCertId = new AsnWriter(AsnEncodingRules.DER);
        using (essCertId.PushSequence())
        using (essCertId.PushSequence())
        using (essCertId.PushSequence())
        {
            essCertId.WriteOctetString(SHA256.HashData(Certificate.RawData));
        }

        var signed = new SignedCms(new ContentInfo(new Oid(TstInfoOid), info.Encode()), detached: false);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, Certificate)
        {
            DigestAlgorithm = new Oid(Sha256Oid),
            IncludeOption = request.RequestSignerCertificate ? X509IncludeOption.EndCertOnly : X509IncludeOption.None,
        };
        signer.SignedAttributes.Add(new AsnEncodedData(SigningCertificateV2Oid, essCertId.Encode()));
        signed.ComputeSignature(signer);

        var response = new AsnWriter(AsnEncodingRules.DER);
        using (response.PushSequence())
        {
            using (response.PushSequence())
            {
                response.WriteInteger(0); // granted
            }
            response.WriteEncodedValue(signed.Encode());
        }
        return response.Encode();
    }

    private static byte[] Rejection()
    {
        var response = new AsnWriter(AsnEncodingRules.DER);
        using (response.PushSequence())
        using (response.PushSequence())
        {
            response.WriteInteger(2); // rejection
        }
        return response.Encode();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }
}
