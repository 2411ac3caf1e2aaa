namespace Verification.Persistence;

/// <summary>
/// A signed tree head as stored (API.md, Integrity). The same head is also appended to the heads file in the keys
/// folder: a head removed from this table is still found there, and a head here whose signature does not verify is
/// itself a finding of the audit verification.
/// </summary>
public sealed class TreeHeadRecord
{
    private TreeHeadRecord() { }

    public TreeHeadRecord(long treeSize, string rootHash, string timestamp, string keyId, string signature, string? timestampToken)
    {
        Id = Guid.CreateVersion7();
        TreeSize = treeSize;
        RootHash = rootHash;
        Timestamp = timestamp;
        KeyId = keyId;
        Signature = signature;
        TimestampToken = timestampToken;
    }

    public Guid Id { get; private set; }
    public long TreeSize { get; private set; }

    /// <summary>Lowercase hex.</summary>
    public string RootHash { get; private set; } = string.Empty;

    /// <summary>ISO 8601 UTC, exactly the text that was signed: kept as text so that no provider reformats it.</summary>
    public string Timestamp { get; private set; } = string.Empty;
    public string KeyId { get; private set; } = string.Empty;

    /// <summary>Base64 DER ECDSA P-256 signature.</summary>
    public string Signature { get; private set; } = string.Empty;

    /// <summary>Base64 RFC 3161 token, when a timestamp authority is configured.</summary>
    public string? TimestampToken { get; private set; }
}
