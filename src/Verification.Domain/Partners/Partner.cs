using System.Security.Cryptography;
using System.Text;
using Verification.Domain.Common;

namespace Verification.Domain.Partners;

/// <summary>How much a partner organisation is owed: exact coordinates only to <see cref="Restricted"/> partners.</summary>
public enum SharingLevel
{
    /// <summary>Coordinates rounded to one decimal place (about 11 km), so a published map cannot point at a house.</summary>
    Public,

    /// <summary>Coordinates as recorded, for partners who protect them as we do.</summary>
    Restricted,
}

/// <summary>
/// A partner organisation: a machine client that pulls decided claims and receives webhooks. It holds one API key at a
/// time, stored only as its SHA-256 hash and a short visible prefix, so the database alone never lets anyone in.
/// </summary>
public sealed class Partner
{
    public const int NameMaxLength = 200;

    private Partner() { }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = string.Empty;
    public SharingLevel SharingLevel { get; private set; }
    public Guid CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public string KeyHash { get; private set; } = string.Empty;

    /// <summary>The first characters of the key, e.g. vk_Ab3dEf9h: enough for support to tell keys apart, useless to an attacker.</summary>
    public string KeyPrefix { get; private set; } = string.Empty;
    public DateTime KeyIssuedAt { get; private set; }
    public DateTime? KeyRevokedAt { get; private set; }

    public bool HasActiveKey => KeyRevokedAt is null;

    public static Partner Register(Guid id, string? name, SharingLevel sharingLevel, PartnerApiKey key, Guid coordinator, DateTime now)
    {
        Guard.That(Enum.IsDefined(sharingLevel), "sharingLevel", "sharingLevel is Public or Restricted.");
        var partner = new Partner
        {
            Id = id,
            Name = Guard.Text(name, "name", NameMaxLength),
            SharingLevel = sharingLevel,
            CreatedBy = coordinator,
            CreatedAt = now,
        };
        partner.Use(key, now);
        return partner;
    }

    /// <summary>A new key replaces the old one at once: the old key fails from the next request on.</summary>
    public void RotateKey(PartnerApiKey key, DateTime now) => Use(key, now);

    public void RevokeKey(DateTime now)
    {
        if (KeyRevokedAt is not null)
            throw new RuleNotSatisfied("Key already revoked", $"The key {KeyPrefix}… of partner {Id} was revoked at {KeyRevokedAt:O}; issue a new one to restore access.");
        KeyRevokedAt = now;
    }

    private void Use(PartnerApiKey key, DateTime now)
    {
        KeyHash = key.Hash;
        KeyPrefix = key.Prefix;
        KeyIssuedAt = now;
        KeyRevokedAt = null;
    }
}

/// <summary>
/// A partner API key: "vk_" and 256 random bits in base64url. Only <see cref="Secret"/> opens the API, and it is shown
/// once; <see cref="Hash"/> and <see cref="Prefix"/> are what is stored. A plain SHA-256 suffices because the secret is
/// random, not chosen by a person: there is nothing to guess from a dictionary.
/// </summary>
public sealed record PartnerApiKey(string Secret, string Hash, string Prefix)
{
    public const string Marker = "vk_";
    public const int PrefixLength = 11; // "vk_" and eight characters
    private const int SecretBytes = 32;

    public static PartnerApiKey Generate()
    {
        var secret = Marker + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return new PartnerApiKey(secret, Convert.ToHexStringLower(HashOf(secret)), secret[..PrefixLength]);
    }

    /// <summary>The SHA-256 of a presented key, to compare with stored hashes in constant time.</summary>
    public static byte[] HashOf(string presented) => SHA256.HashData(Encoding.UTF8.GetBytes(presented));

    /// <summary>The prefix under which a presented key would be stored, or null when it cannot be one of ours.</summary>
    public static string? PrefixOf(string presented) =>
        presented.Length is > PrefixLength and <= 128 && presented.StartsWith(Marker, StringComparison.Ordinal)
            ? presented[..PrefixLength]
            : null;
}
