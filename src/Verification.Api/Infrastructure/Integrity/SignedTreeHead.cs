namespace Verification.Api.Infrastructure.Integrity;

/// <summary>
/// A signed tree head as published at <c>GET /api/v1/audit/head</c> (API.md, Integrity): the RFC 9162 Merkle root over
/// the first <see cref="TreeSize"/> audit entries, signed by the instance key.
/// </summary>
/// <param name="RootHash">Lowercase hex.</param>
/// <param name="Timestamp">ISO 8601 UTC, exactly the text that was signed.</param>
/// <param name="Signature">Base64 of the DER ECDSA P-256 signature over <see cref="SignedText"/>.</param>
/// <param name="TimestampToken">Base64 RFC 3161 token over SHA-256 of the signature bytes, when an authority is set.</param>
public sealed record SignedTreeHead(long TreeSize, string RootHash, string Timestamp, string KeyId, string Signature, string? TimestampToken)
{
    public const string Prefix = "verification-tree-head/v1";

    /// <summary>The exact text whose UTF-8 bytes are signed.</summary>
    public static string SignedText(long treeSize, string rootHash, string timestamp) => $"{Prefix}\n{treeSize}\n{rootHash}\n{timestamp}";
}

/// <summary>The heads this instance has signed. Implemented by the audit feature; read by exports for their manifests.</summary>
public interface ITreeHeads
{
    /// <summary>The newest signed head, or null before the first one is signed.</summary>
    Task<SignedTreeHead?> LatestAsync(CancellationToken cancellationToken);
}

/// <summary>An RFC 3161 timestamp authority, when <c>Signing:TimestampAuthorityUrl</c> is set.</summary>
public interface ITimestampAuthority
{
    /// <summary>False when no authority is configured.</summary>
    bool IsConfigured { get; }

    /// <summary>A DER-encoded TimeStampToken over the given SHA-256 digest, checked against the request.</summary>
    Task<byte[]> TimestampAsync(ReadOnlyMemory<byte> sha256Digest, CancellationToken cancellationToken);
}
