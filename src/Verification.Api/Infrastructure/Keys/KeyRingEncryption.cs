using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Verification.Api.Infrastructure.Keys;

/// <summary>
/// Seals the secret part of each Data Protection key (its master key) with the <see cref="KeyRingKey"/> before the
/// framework stores it in the database. The framework records <see cref="KeyRingXmlDecryptor"/> as the way back.
/// </summary>
public sealed class KeyRingXmlEncryptor(KeyRingKey key) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(KeyRingXml.Seal(key, plaintextElement), typeof(KeyRingXmlDecryptor));
}

/// <summary>
/// Opens what <see cref="KeyRingXmlEncryptor"/> sealed. The framework creates it by type name with its own service
/// provider (a constructor taking <see cref="IServiceProvider"/> is what its activator looks for).
/// </summary>
public sealed class KeyRingXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        KeyRingXml.Open(services.GetService<KeyRingKey>()
            ?? throw new InvalidOperationException("No key-ring key is registered; this key ring was sealed by Verification."), encryptedElement);
}

/// <summary>The sealed element: <c>&lt;sealed keyRingKey="…" nonce="…" tag="…"&gt;base64 ciphertext&lt;/sealed&gt;</c>.</summary>
public static class KeyRingXml
{
    public static readonly XNamespace Namespace = "urn:verification:key-ring:v1";
    public static readonly XName Sealed = Namespace + "sealed";

    // The framework's own names (Microsoft.AspNetCore.DataProtection XmlConstants).
    internal static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    internal static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";
    internal static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";
    internal const string DecryptorType = "decryptorType";

    public static XElement Seal(KeyRingKey key, XElement plaintext)
    {
        var (keyId, nonce, ciphertext, tag) = key.Seal(System.Text.Encoding.UTF8.GetBytes(plaintext.ToString(SaveOptions.DisableFormatting)));
        return new XElement(Sealed,
            new XAttribute("keyRingKey", keyId),
            new XAttribute("nonce", Convert.ToBase64String(nonce)),
            new XAttribute("tag", Convert.ToBase64String(tag)),
            Convert.ToBase64String(ciphertext));
    }

    public static XElement Open(KeyRingKey key, XElement sealedElement)
    {
        if (sealedElement.Name != Sealed)
            throw new System.Security.Cryptography.CryptographicException($"Not a sealed key-ring element: {sealedElement.Name}.");
        var plaintext = key.Open(
            (string?)sealedElement.Attribute("keyRingKey") ?? string.Empty,
            Convert.FromBase64String((string?)sealedElement.Attribute("nonce") ?? string.Empty),
            Convert.FromBase64String(sealedElement.Value),
            Convert.FromBase64String((string?)sealedElement.Attribute("tag") ?? string.Empty));
        return XElement.Parse(System.Text.Encoding.UTF8.GetString(plaintext));
    }

    /// <summary>How a key element of the ring is stored.</summary>
    public static KeyElementKind Classify(XElement element)
    {
        if (element.Name.LocalName != "key")
            return KeyElementKind.NotAKey;
        var secrets = element.Descendants(EncryptedSecret).ToList();
        var plain = element.Descendants().Any(d => (string?)d.Attribute(RequiresEncryption) == "true");
        if (secrets.Count == 0)
            return plain ? KeyElementKind.Plaintext : KeyElementKind.Foreign;
        if (plain || secrets.Any(s => !IsOurDecryptor((string?)s.Attribute(DecryptorType))
                                      || s.Elements().Count() != 1 || s.Elements().Single().Name != Sealed))
            return KeyElementKind.Foreign;
        return KeyElementKind.Sealed;
    }

    /// <summary>The key-ring key ids an element was sealed with.</summary>
    public static IEnumerable<string> SealedWith(XElement element) =>
        element.Descendants(Sealed).Select(s => (string?)s.Attribute("keyRingKey") ?? "?").Distinct();

    /// <summary>
    /// Seals every part of a key element that the framework marks as requiring encryption, exactly as the framework
    /// does when it writes a new key (an <c>encryptedSecret</c> element naming the decryptor). For keys written in
    /// plain text before the key ring was sealed.
    /// </summary>
    public static XElement SealPlaintextKey(KeyRingKey key, XElement element)
    {
        var copy = new XElement(element);
        while (copy.Descendants().FirstOrDefault(d => (string?)d.Attribute(RequiresEncryption) == "true") is { } secret)
        {
            secret.ReplaceWith(new XElement(EncryptedSecret,
                new XAttribute(DecryptorType, typeof(KeyRingXmlDecryptor).AssemblyQualifiedName!),
                Seal(key, secret)));
        }
        return copy;
    }

    /// <summary>Opens every sealed secret of a key element; throws when one does not open with <paramref name="key"/>.</summary>
    public static void OpenAll(KeyRingKey key, XElement element)
    {
        foreach (var secret in element.Descendants(Sealed))
            Open(key, secret);
    }

    private static bool IsOurDecryptor(string? typeName) =>
        typeName is not null && typeName.Split(',')[0].Trim() == typeof(KeyRingXmlDecryptor).FullName;
}

public enum KeyElementKind
{
    /// <summary>A revocation or another element that is not a key.</summary>
    NotAKey,

    /// <summary>Its master key is sealed with a key-ring key.</summary>
    Sealed,

    /// <summary>Its master key is in the clear: written before the ring was sealed, or by someone with write access to the database.</summary>
    Plaintext,

    /// <summary>Protected some other way (another decryptor type, a malformed element).</summary>
    Foreign,
}

/// <summary>
/// The database's key ring as the framework sees it, minus every key that is not sealed with a key-ring key. Someone
/// who can write to the database could otherwise add a key of their own in plain text (or "encrypted" with the
/// framework's null decryptor) and mint bearer tokens this API would accept. Plaintext keys from before the ring was
/// sealed are sealed in place at start (<see cref="KeyRingStartup"/>), so nothing legitimate is dropped here.
/// </summary>
public sealed class SealedKeysOnlyRepository(IXmlRepository inner, ILogger<SealedKeysOnlyRepository> logger) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var kept = new List<XElement>();
        foreach (var element in inner.GetAllElements())
        {
            var kind = KeyRingXml.Classify(element);
            if (kind is KeyElementKind.NotAKey or KeyElementKind.Sealed)
                kept.Add(element);
            else
                logger.LogError("Ignored Data Protection key {KeyId} in the database: it is {Kind}, not sealed with the key-ring key. " +
                    "Nothing in Verification writes such a key; someone wrote it into the DataProtectionKeys table.",
                    (string?)element.Attribute("id"), kind);
        }
        return kept;
    }

    public void StoreElement(XElement element, string friendlyName) => inner.StoreElement(element, friendlyName);
}
