using System.Security.Cryptography;
using System.Text;

namespace Verification.Api.Infrastructure.Keys;

/// <summary>
/// The key-encryption key of the Data Protection key ring: 256 random bits in <c>key-ring.key</c> in the keys folder
/// (or the file <c>Keys:KeyRingKeyPath</c> names). The ring stays in the database so that every instance reads the
/// same one; each key in it is sealed with this key (AES-256-GCM), so a copy of the database alone can neither mint a
/// bearer token nor read a witness identity. The file is created only by <see cref="KeyRingStartup"/>, never on a
/// whim: creating a new one while the database holds keys sealed with another would orphan every witness identity.
/// </summary>
public sealed class KeyRingKey
{
    public const string FileName = "key-ring.key";
    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    // Binds every sealed element to its use: a blob sealed for something else under the same key does not open here.
    private static readonly byte[] AssociatedData = "verification-key-ring/v1"u8.ToArray();

    private readonly KeysFolder _folder;
    private byte[]? _key;

    public KeyRingKey(KeysFolder folder, IConfiguration configuration)
    {
        _folder = folder;
        Path = configuration["Keys:KeyRingKeyPath"] is { Length: > 0 } configured ? System.IO.Path.GetFullPath(configured) : folder.PathOf(FileName);
        IsConfiguredPath = Path != folder.PathOf(FileName);
        if (File.Exists(Path))
            Load();
    }

    /// <summary>Where the key is read from.</summary>
    public string Path { get; }

    public bool Exists => _key is not null;

    /// <summary>
    /// Names the key without revealing it: hex of the first 8 bytes of SHA-256 over a label and the key, so a
    /// sealed element says which key-ring key it needs and a mismatch between instances is told plainly.
    /// </summary>
    public string Id => _key is null ? throw Missing() : IdOf(_key);

    private bool IsConfiguredPath { get; }

    /// <summary>Creates the key file (owner-only, 0600). Refuses a configured path: an operator's file is never invented.</summary>
    public void Create()
    {
        if (_key is not null)
            return;
        if (IsConfiguredPath)
            throw new InvalidOperationException($"Keys:KeyRingKeyPath names {Path}, which does not exist.");
        var key = RandomNumberGenerator.GetBytes(KeyBytes);
        _folder.WriteSecretFile(FileName, Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"));
        _key = key;
    }

    public (string KeyId, byte[] Nonce, byte[] Ciphertext, byte[] Tag) Seal(ReadOnlySpan<byte> plaintext)
    {
        var key = _key ?? throw Missing();
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData);
        return (IdOf(key), nonce, ciphertext, tag);
    }

    /// <summary>Opens a sealed element; throws <see cref="CryptographicException"/> when it was sealed with another key or altered.</summary>
    public byte[] Open(string keyId, byte[] nonce, byte[] ciphertext, byte[] tag)
    {
        var key = _key ?? throw Missing();
        if (keyId != IdOf(key))
            throw new CryptographicException($"This key-ring element was sealed with key-ring key {keyId}; the key at {Path} is {IdOf(key)}.");
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(nonce, ciphertext, tag, plaintext, AssociatedData);
        return plaintext;
    }

    private void Load()
    {
        // Base64 text (one line) so that the file can be pasted into a secret store; raw 32 bytes are read as well.
        var bytes = File.ReadAllBytes(Path);
        byte[] key;
        try
        {
            key = bytes.Length == KeyBytes ? bytes : Convert.FromBase64String(Encoding.ASCII.GetString(bytes).Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{Path} is not a key-ring key (32 bytes, base64).");
        }
        if (key.Length != KeyBytes)
            throw new InvalidOperationException($"{Path} holds {key.Length} bytes; a key-ring key is {KeyBytes}.");
        _key = key;
    }

    private static string IdOf(byte[] key) =>
        Convert.ToHexStringLower(SHA256.HashData([.. "verification-key-ring-key-id/v1\n"u8, .. key])[..8]);

    private InvalidOperationException Missing() =>
        new($"The key-ring key {Path} is missing; the API prepares it at start (docs/operations.md, Keys).");
}
