using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Verification.Api.Infrastructure.Security;

public sealed record Witness(string? Name, string? Contact);

/// <summary>
/// Witness and victim identities are encrypted at rest with Data Protection (authenticated encryption, keys in the
/// database and rotated by the framework, each sealed with the key-ring key that lives outside it, in the keys
/// folder). The database alone, or a backup of it made without --include-keys, does not reveal who spoke.
/// </summary>
public sealed class WitnessProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Verification.Evidence.Witness.v1");

    public string? Protect(Witness? witness) =>
        witness is null || string.IsNullOrWhiteSpace(witness.Name) && string.IsNullOrWhiteSpace(witness.Contact)
            ? null
            : _protector.Protect(JsonSerializer.Serialize(witness));

    public Witness? Unprotect(string? protectedWitness) =>
        protectedWitness is null ? null : JsonSerializer.Deserialize<Witness>(_protector.Unprotect(protectedWitness));
}
