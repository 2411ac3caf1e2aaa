using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Keys;

/// <summary>
/// Run once at start, after migrations and before anything protects or reads a token or a witness identity:
/// <list type="bullet">
/// <item>no key-ring key file, and the database holds keys sealed with one: refuse to start. Carrying on would make
/// the framework create a new ring, and every witness identity and webhook secret encrypted so far would be
/// unreadable for good; the operator must give this instance the same <c>key-ring.key</c> as the others.</item>
/// <item>no key file and nothing sealed yet (a first start, or a database from before keys were sealed): create it.</item>
/// <item>a key file that does not open the sealed keys (another instance's file): refuse to start, naming both keys.</item>
/// <item>a ring stored wholly in plain text by an earlier version: seal its keys in place, and make a new key the
/// default, so that new tokens and witness identities never depend on a key that older database copies hold in the
/// clear. Once the ring holds a sealed key, a plaintext key is an intruder's: it is ignored, never sealed.</item>
/// </list>
/// </summary>
public static class KeyRingStartup
{
    /// <summary>The key ring as above, and the signing key loaded (or created on a first start) so that a bad <c>Signing:KeyPath</c> stops the start.</summary>
    public static async Task PrepareKeysAsync(this IServiceProvider services, ILogger logger, CancellationToken ct = default)
    {
        try
        {
            services.GetRequiredService<KeysFolder>();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new InvalidOperationException($"the keys folder (Keys:Path) cannot be created: {e.Message}", e);
        }
        await services.PrepareKeyRingAsync(logger, ct);
        var signer = services.GetRequiredService<IInstanceSigner>();
        logger.LogInformation("Signing key {KeyId} ({Count} published, retired ones included).", signer.KeyId, signer.PublishedKeys.Count);
    }

    public static async Task PrepareKeyRingAsync(this IServiceProvider services, ILogger logger, CancellationToken ct = default)
    {
        var key = services.GetRequiredService<KeyRingKey>();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        var rows = await db.DataProtectionKeys.ToListAsync(ct);
        var elements = rows.Select(r => (Row: r, Element: TryParse(r.Xml))).ToList();
        var sealedKeys = elements.Where(e => e.Element is not null && KeyRingXml.Classify(e.Element) == KeyElementKind.Sealed).ToList();

        if (!key.Exists)
        {
            if (sealedKeys.Count > 0)
            {
                var ids = string.Join(", ", sealedKeys.SelectMany(e => KeyRingXml.SealedWith(e.Element!)).Distinct());
                throw new InvalidOperationException(
                    $"the Data Protection key ring in the database is sealed with key-ring key {ids}, and there is no key-ring key at {key.Path}. " +
                    $"Give this instance the same {KeyRingKey.FileName} as the instance that wrote the ring (docs/operations.md, Keys). " +
                    "Starting without it would create a new key ring, and every witness identity and webhook secret stored so far would become unreadable.");
            }
            key.Create();
            logger.LogWarning("Created the key-ring key {Path}. Back it up apart from the database, and give every instance the same file.", key.Path);
        }

        var unopened = new List<string>();
        foreach (var (row, element) in sealedKeys)
        {
            try
            {
                KeyRingXml.OpenAll(key, element!);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                unopened.Add($"{(string?)element!.Attribute("id")} (sealed with {string.Join("/", KeyRingXml.SealedWith(element!))})");
            }
            catch (FormatException)
            {
                unopened.Add($"{(string?)element!.Attribute("id")} (malformed)");
            }
        }
        if (unopened.Count > 0)
        {
            throw new InvalidOperationException(
                $"the key-ring key at {key.Path} (id {key.Id}) does not open {unopened.Count} key(s) of the Data Protection key ring in the database: " +
                $"{string.Join(", ", unopened.Take(5))}. Every instance must be given the same {KeyRingKey.FileName} (docs/operations.md, Keys).");
        }

        var plaintext = elements.Where(e => e.Element is not null && KeyRingXml.Classify(e.Element) == KeyElementKind.Plaintext).ToList();
        // Only a ring that was never sealed is an earlier version's: once one key is sealed, a key in plain text was
        // written by someone with access to the database, and sealing it would make their key ours.
        if (plaintext.Count > 0 && sealedKeys.Count == 0)
        {
            foreach (var (row, element) in plaintext)
                row.Xml = KeyRingXml.SealPlaintextKey(key, element!).ToString(SaveOptions.DisableFormatting);
            await db.SaveChangesAsync(ct);
            var clock = services.GetRequiredService<TimeProvider>();
            var now = clock.GetUtcNow();
            services.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90));
            logger.LogWarning(
                "Sealed {Count} Data Protection key(s) that were stored in plain text with the key-ring key, and made a new key the default. " +
                "Database copies and backups made before now still hold those keys in the clear: treat them as secret as the keys folder.",
                plaintext.Count);
        }

        var ignored = elements.Where(e => e.Element is null || KeyRingXml.Classify(e.Element) == KeyElementKind.Foreign
                                          || (sealedKeys.Count > 0 && KeyRingXml.Classify(e.Element) == KeyElementKind.Plaintext));
        foreach (var (_, element) in ignored)
        {
            logger.LogError("The Data Protection key {KeyId} in the database is not sealed with the key-ring key and is ignored; nothing in Verification writes such a key.",
                (string?)element?.Attribute("id") ?? "(unreadable XML)");
        }
    }

    private static XElement? TryParse(string? xml)
    {
        if (string.IsNullOrEmpty(xml))
            return null;
        try
        {
            return XElement.Parse(xml);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }
}
