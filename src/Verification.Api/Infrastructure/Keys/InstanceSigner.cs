using System.Security.Cryptography;

namespace Verification.Api.Infrastructure.Keys;

/// <summary>A public key that verifies this instance's signatures; retired keys stay published so old heads still verify.</summary>
public sealed record PublishedKey(string KeyId, string Algorithm, string PublicKeyPem, bool Retired);

/// <summary>
/// Signs tree heads and export manifests with the instance key (ECDSA P-256, SHA-256, DER signatures, "ES256" in the
/// published key list). The private key lives in the keys folder, never in the database.
/// </summary>
public interface IInstanceSigner
{
    /// <summary>The active key's id: lowercase hex of the first 8 bytes of SHA-256 over its SubjectPublicKeyInfo.</summary>
    string KeyId { get; }

    /// <summary>A DER-encoded (RFC 3279) ECDSA P-256 signature over SHA-256 of <paramref name="data"/>.</summary>
    byte[] Sign(ReadOnlySpan<byte> data);

    /// <summary>The active key and every retired one.</summary>
    IReadOnlyList<PublishedKey> PublishedKeys { get; }
}

/// <summary>
/// The active key is <c>signing-key.pem</c> (PKCS#8) in the keys folder, or the file <c>Signing:KeyPath</c> names;
/// it is created on first start. Retired public keys are the <c>*.pem</c> files under <c>retired/</c> in the keys
/// folder: to rotate, move the old key's public half there and remove the private file (docs/operations.md).
/// </summary>
public sealed class InstanceSigner : IInstanceSigner, IDisposable
{
    public const string Algorithm = "ES256";
    public const string KeyFileName = "signing-key.pem";

    private readonly ECDsa _key;

    public InstanceSigner(KeysFolder folder, IConfiguration configuration)
    {
        var path = configuration["Signing:KeyPath"] is { Length: > 0 } configured ? Path.GetFullPath(configured) : folder.PathOf(KeyFileName);
        _key = ECDsa.Create();
        if (File.Exists(path))
        {
            _key.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            _key.GenerateKey(ECCurve.NamedCurves.nistP256);
            if (path == folder.PathOf(KeyFileName))
                folder.WriteSecretFile(KeyFileName, System.Text.Encoding.ASCII.GetBytes(_key.ExportPkcs8PrivateKeyPem()));
            else
                throw new InvalidOperationException($"Signing:KeyPath names {path}, which does not exist.");
        }
        if (_key.KeySize != 256)
            throw new InvalidOperationException("The signing key must be an ECDSA P-256 key.");

        KeyId = KeyIdOf(_key.ExportSubjectPublicKeyInfo());
        var published = new List<PublishedKey> { new(KeyId, Algorithm, _key.ExportSubjectPublicKeyInfoPem(), Retired: false) };
        var retiredFolder = folder.PathOf("retired");
        if (Directory.Exists(retiredFolder))
        {
            foreach (var file in Directory.EnumerateFiles(retiredFolder, "*.pem").Order(StringComparer.Ordinal))
            {
                using var retired = ECDsa.Create();
                retired.ImportFromPem(File.ReadAllText(file));
                var id = KeyIdOf(retired.ExportSubjectPublicKeyInfo());
                if (id != KeyId && published.All(k => k.KeyId != id))
                    published.Add(new(id, Algorithm, retired.ExportSubjectPublicKeyInfoPem(), Retired: true));
            }
        }
        PublishedKeys = published;
    }

    public string KeyId { get; }

    public IReadOnlyList<PublishedKey> PublishedKeys { get; }

    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public static string KeyIdOf(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo)[..8]);

    public void Dispose() => _key.Dispose();
}
