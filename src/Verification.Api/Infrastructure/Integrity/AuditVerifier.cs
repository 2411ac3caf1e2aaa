using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Keys;
using Verification.Domain.Audit;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Integrity;

public sealed record HeadsCheck(long Checked, long? FirstInconsistentTreeSize);

public sealed record RecordMismatch(string Type, Guid Id);

/// <param name="Uncovered">Records no audit entry covers: on a chain covered from its first entry they are mismatches too.</param>
public sealed record RecordsCheck(long Checked, RecordMismatch? FirstMismatch, long Uncovered);

/// <summary>
/// The whole verification: the chain itself, the chain against every head this instance signed, and (when asked) every
/// claim and evidence item against the state its latest audit entry recorded. <see cref="Valid"/> is false when any
/// check that ran found something.
/// </summary>
public sealed record AuditVerification(bool Valid, long Checked, Guid? FirstInvalidEntryId, long? FirstInvalidSequence,
    HeadsCheck Heads, RecordsCheck? Records)
{
    /// <summary>The leaves walked and the root over them: what a new head would sign.</summary>
    internal long TreeSize { get; init; }
    internal byte[] Root { get; init; } = MerkleTree.EmptyRoot;
}

/// <summary>
/// The one audit verifier. <c>GET /audit/verify</c>, the recurring integrity job and head signing all call it.
/// The chain is read a page at a time with the record states of that page, so memory stays flat whatever its length
/// (the records check keeps one digest per record). Heads come from the heads file and the table both: a head removed
/// from the table still counts, and a head whose signature does not verify under a published key is a finding.
/// </summary>
public sealed class AuditVerifier(VerificationDb db, TreeHeadsFile headsFile, IInstanceSigner signer, ILogger<AuditVerifier> logger)
{
    private const int Page = 2000;

    public async Task<AuditVerification> VerifyAsync(bool records, CancellationToken ct)
    {
        var (heads, badHeads) = await KnownHeadsAsync(ct);
        var inconsistent = new SortedSet<long>(badHeads);
        var pending = new Queue<SignedTreeHead>(heads.OrderBy(h => h.TreeSize));
        var verifier = new AuditChainVerifier();
        var frontier = new MerkleFrontier();
        var latest = records ? new Dictionary<(string, Guid), string>() : null;
        bool? coveredFromStart = null;
        long headsChecked = badHeads.Count;

        CompareHeadsAt(0);
        var after = long.MinValue;
        while (true)
        {
            var entries = await db.AuditEntries.AsNoTracking().Where(a => a.Sequence > after).OrderBy(a => a.Sequence).Take(Page).ToListAsync(ct);
            if (entries.Count == 0)
                break;
            var (first, last) = (entries[0].Sequence, entries[^1].Sequence);
            var states = (await db.AuditRecordStates.AsNoTracking().Where(s => s.Sequence >= first && s.Sequence <= last).ToListAsync(ct))
                .ToLookup(s => s.Sequence);
            foreach (var entry in entries)
            {
                coveredFromStart ??= entry.RecordsDigest is not null;
                var own = states[entry.Sequence].ToList();
                verifier.Accept(entry, own);
                frontier.Append(LeafOf(entry.Hash));
                CompareHeadsAt(frontier.Size);
                if (latest is not null)
                {
                    foreach (var s in own)
                        latest[(s.RecordType, s.RecordId)] = s.Digest;
                }
            }
            after = last;
        }
        // Heads larger than the chain: entries they covered are gone.
        while (pending.Count > 0)
        {
            inconsistent.Add(pending.Dequeue().TreeSize);
            headsChecked++;
        }

        var chain = verifier.Result;
        var headsCheck = new HeadsCheck(headsChecked, inconsistent.Count == 0 ? null : inconsistent.Min);
        var recordsCheck = latest is null ? null : await CheckRecordsAsync(latest, coveredFromStart ?? true, ct);
        var valid = chain.Valid && headsCheck.FirstInconsistentTreeSize is null && recordsCheck?.FirstMismatch is null;
        return new AuditVerification(valid, chain.Checked, chain.FirstInvalidEntryId, chain.FirstInvalidSequence, headsCheck, recordsCheck)
        {
            TreeSize = frontier.Size,
            Root = frontier.Root(),
        };

        void CompareHeadsAt(long size)
        {
            while (pending.Count > 0 && pending.Peek().TreeSize == size)
            {
                var head = pending.Dequeue();
                headsChecked++;
                if (!string.Equals(head.RootHash, Convert.ToHexStringLower(frontier.Root()), StringComparison.Ordinal))
                    inconsistent.Add(head.TreeSize);
            }
        }
    }

    /// <summary>The heads of the file and the table, each once; the sizes of those whose signature fails are findings of their own.</summary>
    public async Task<(List<SignedTreeHead> Heads, List<long> BadSignatures)> KnownHeadsAsync(CancellationToken ct)
    {
        var stored = await db.SignedTreeHeads.AsNoTracking()
            .Select(h => new SignedTreeHead(h.TreeSize, h.RootHash, h.Timestamp, h.KeyId, h.Signature, h.TimestampToken))
            .ToListAsync(ct);
        var (fromFile, unreadable) = headsFile.ReadAll();
        var heads = new List<SignedTreeHead>();
        var bad = new List<long>();
        var keys = signer.PublishedKeys.ToDictionary(k => k.KeyId, k => k.PublicKeyPem);
        foreach (var head in fromFile.Concat(stored).Distinct())
        {
            if (SignatureHolds(head, keys))
            {
                heads.Add(head);
            }
            else
            {
                logger.LogError("A signed head for tree size {TreeSize} does not verify under any published key: it was forged or altered",
                    head.TreeSize);
                bad.Add(head.TreeSize);
            }
        }
        if (unreadable > 0)
            bad.Add(0);
        return (heads, bad);
    }

    public static bool SignatureHolds(SignedTreeHead head, IReadOnlyDictionary<string, string> publicKeysById)
    {
        if (head.TreeSize < 0 || !publicKeysById.TryGetValue(head.KeyId, out var pem))
            return false;
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return key.VerifyData(Encoding.UTF8.GetBytes(SignedTreeHead.SignedText(head.TreeSize, head.RootHash, head.Timestamp)),
                Convert.FromBase64String(head.Signature), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private async Task<RecordsCheck> CheckRecordsAsync(Dictionary<(string, Guid), string> latest, bool coveredFromStart, CancellationToken ct)
    {
        long checkedCount = 0, uncovered = 0;
        RecordMismatch? first = null;
        await foreach (var claim in RecordStates.AllClaimsAsync(db, ct))
            Compare(AuditRecordState.Claim, claim.Id, RecordStates.DigestOf(claim));
        await foreach (var item in db.Evidence.AsNoTracking().OrderBy(e => e.SubmittedAt).ThenBy(e => e.Id).AsAsyncEnumerable().WithCancellation(ct))
            Compare(AuditRecordState.Evidence, item.Id, RecordStates.DigestOf(item));
        // A covered record whose row is gone was deleted behind the API's back.
        foreach (var ((type, id), _) in latest)
            first ??= new RecordMismatch(type, id);
        return new RecordsCheck(checkedCount, first, uncovered);

        void Compare(string type, Guid id, string digest)
        {
            checkedCount++;
            if (latest.Remove((type, id), out var recorded))
            {
                if (recorded != digest)
                    first ??= new RecordMismatch(type, id);
                return;
            }
            uncovered++;
            if (coveredFromStart)
                first ??= new RecordMismatch(type, id);
        }
    }

    // A hash that is not 64 hex digits was altered; its leaf is still something, and the chain check names the entry.
    private static byte[] LeafOf(string chainHash)
    {
        Span<byte> bytes = stackalloc byte[32];
        return Convert.FromHexString(chainHash, bytes, out _, out var written) == System.Buffers.OperationStatus.Done && written == 32
            ? MerkleTree.LeafHash(bytes)
            : MerkleTree.LeafHash(SHA256.HashData(Encoding.UTF8.GetBytes(chainHash)));
    }
}
