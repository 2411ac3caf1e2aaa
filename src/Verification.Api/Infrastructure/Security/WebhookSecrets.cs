using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Verification.Api.Infrastructure.Security;

/// <summary>
/// Webhook signing secrets. The server must read a secret back to sign each delivery, so it cannot be stored as a hash;
/// it is encrypted with Data Protection (keys in the database, rotated by the framework) and shown to the partner once.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Verification.Partners.WebhookSecret.v1");

    public static string Generate() =>
        "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);

    /// <summary>The X-Signature header value: HMAC-SHA256 of the exact body bytes, keyed with the secret's UTF-8 bytes.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
