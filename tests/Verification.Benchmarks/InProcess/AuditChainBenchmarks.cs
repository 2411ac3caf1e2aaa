using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Verification.Api.Infrastructure.Integrity;
using Verification.Domain.Audit;
using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Domain.Verdicts;

namespace Verification.Benchmarks.InProcess;

/// <summary>
/// The audit hash chain: appending one entry and verifying a chain of 10,000, each against raw SHA-256 over the same
/// canonical bytes (precomputed), which is what the chain cannot do without; and the canonical encoding alone
/// against a hand-written encoder of the same bytes into one stack buffer.
/// </summary>
[MemoryDiagnoser]
public class AuditChainBenchmarks
{
    public const int ChainLength = 10_000;

    private AuditEntry[] _chain = [];
    private byte[][] _canonical = [];
    private AuditEntry _head = null!;
    private byte[] _headCanonical = [];
    private DateTime _at;
    private string _target = string.Empty;
    private string _digest = string.Empty;
    private Claim _decided = null!;
    private MerkleFrontier _frontier = null!;

    [GlobalSetup]
    public void Setup()
    {
        _at = new DateTime(2024, 4, 2, 9, 0, 0, DateTimeKind.Utc);
        _chain = new AuditEntry[ChainLength];
        _canonical = new byte[ChainLength][];
        var sequence = 0L;
        var hash = AuditEntry.GenesisHash;
        for (var i = 0; i < ChainLength; i++)
        {
            var target = Guid.CreateVersion7().ToString();
            var entry = AuditEntry.Append(sequence, hash, _at.AddSeconds(i), $"user:{Guid.CreateVersion7()}", "SubmitClaim", target, Hashing.Sha256Hex(target));
            _chain[i] = entry;
            _canonical[i] = Canonical(entry);
            sequence = entry.Sequence;
            hash = entry.Hash;
        }
        _head = _chain[^1];
        _headCanonical = _canonical[^1];
        _target = _head.TargetId!;
        _digest = _head.ChangeDigest;
        if (!AuditChainVerifier.Verify(_chain).Valid)
            throw new InvalidOperationException("The benchmark chain does not verify.");
        _decided = DecidedClaim(_at);
        _frontier = new MerkleFrontier();
        foreach (var entry in _chain)
            _frontier.Append(MerkleTree.LeafHashOfHex(entry.Hash));
        Span<byte> own = stackalloc byte[512];
        if (!own[..HandWrittenEncoding(_head, own)].SequenceEqual(_headCanonical))
            throw new InvalidOperationException("The hand-written encoder does not produce the canonical encoding.");
    }

    [Benchmark(Description = "AuditEntry.Append")]
    public AuditEntry Append() => AuditEntry.Append(_head.Sequence, _head.Hash, _at, _head.Actor, "SubmitClaim", _target, _digest);

    /// <summary>
    /// What the audit behaviour now does per command in memory: the state digest of the claim it changed, the records
    /// digest over it, and the entry with that digest as its ninth field (the database read-back is in the HTTP figures).
    /// </summary>
    [Benchmark(Description = "AuditEntry.Append covering one claim's state")]
    public AuditEntry AppendCoveringAClaim()
    {
        var records = AuditRecordState.DigestOf([(AuditRecordState.Claim, _decided.Id, RecordStates.DigestOf(_decided))]);
        return AuditEntry.Append(_head.Sequence, _head.Hash, _at, _head.Actor, "ConfirmVerdict", _target, _digest, records);
    }

    [Benchmark(Description = "RecordStates.DigestOf, one decided claim")]
    public string ClaimStateDigest() => RecordStates.DigestOf(_decided);

    [Benchmark(Description = "Merkle root of 10,000 entries from the frontier")]
    public byte[] FrontierRoot() => _frontier.Root();

    [Benchmark(Description = "SHA256.HashData, one entry's bytes")]
    public byte[] Sha256OfOneEntry() => SHA256.HashData(_headCanonical);

    [Benchmark(Description = "AuditChainVerifier, 10,000 entries")]
    public ChainVerification Verify() => AuditChainVerifier.Verify(_chain);

    [Benchmark(Description = "SHA256.HashData, 10,000 entries' bytes")]
    public int Sha256OfChain()
    {
        Span<byte> hash = stackalloc byte[32];
        var sum = 0;
        foreach (var bytes in _canonical)
        {
            SHA256.HashData(bytes, hash);
            sum += hash[0];
        }
        return sum;
    }

    [Benchmark(Description = "AuditEntry.CanonicalEncoding")]
    public byte[] CanonicalEncoding() => Canonical(_head);

    [Benchmark(Description = "hand-written encoder, same bytes")]
    public int HandWrittenCanonicalEncoding()
    {
        Span<byte> buffer = stackalloc byte[512];
        return HandWrittenEncoding(_head, buffer);
    }

    private static Claim DecidedClaim(DateTime now)
    {
        var details = ClaimDetails.Create(
            "Drone strikes on the former MINUSMA base in Kidal",
            "Drones of the Malian Armed Forces, with the Wagner Group, struck the former MINUSMA base held by the CSP in Kidal on the night of 29–30 March 2024.",
            [ViolationType.AttackCivilianHarm],
            Incident.Create(new DateOnly(2024, 3, 29), new DateOnly(2024, 3, 30), TimePrecision.Day, DateOnly.FromDateTime(now)),
            Location.Create("Kidal", "ML", "Kidal", "Kidal", 18.4411, 1.4078, GeoPrecision.NearbyTown),
            [new Perpetrator("Malian Armed Forces (FAMa)", PerpetratorType.StateForce), new Perpetrator("Wagner Group", PerpetratorType.ForeignOrPrivateMilitary)],
            Harm.Unknown,
            [new Source(SourceType.LocalMedia, "Local radio report of the strikes", null)]);
        var claim = Claim.Submit(Guid.CreateVersion7(), 17, Guid.CreateVersion7(), now, details);
        claim.Triage(Guid.CreateVersion7(), TriageDecision.Accept, null, null, now);
        var proposal = claim.ProposeVerdict(Guid.CreateVersion7(), Guid.CreateVersion7(), VerdictRating.Weak, "A single local report.",
            null, ["Wagner Group"], Corroboration.None, now);
        claim.ConfirmVerdict(proposal.Id, Guid.CreateVersion7(), now);
        return claim;
    }

    private static byte[] Canonical(AuditEntry e) =>
        AuditEntry.CanonicalEncoding(e.Sequence, e.Id, e.At, e.Actor, e.Action, e.TargetId, e.ChangeDigest, e.PreviousHash);

    /// <summary>The canonical encoding (length:bytes per field) formatted straight into a span, without intermediate strings.</summary>
    private static int HandWrittenEncoding(AuditEntry e, Span<byte> destination)
    {
        var written = 0;
        Span<byte> scratch = stackalloc byte[128];
        e.Sequence.TryFormat(scratch, out var n, default, CultureInfo.InvariantCulture);
        written += Field(scratch[..n], destination[written..]);
        e.Id.TryFormat(scratch, out n, "D");
        written += Field(scratch[..n], destination[written..]);
        e.At.TryFormat(scratch, out n, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        written += Field(scratch[..n], destination[written..]);
        written += Text(e.Actor, scratch, destination[written..]);
        written += Text(e.Action, scratch, destination[written..]);
        written += Text(e.TargetId ?? string.Empty, scratch, destination[written..]);
        written += Text(e.ChangeDigest, scratch, destination[written..]);
        written += Text(e.PreviousHash, scratch, destination[written..]);
        return written;
    }

    private static int Text(string value, Span<byte> scratch, Span<byte> destination) =>
        Field(scratch[..Encoding.UTF8.GetBytes(value, scratch)], destination);

    private static int Field(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        value.Length.TryFormat(destination, out var n, default, CultureInfo.InvariantCulture);
        destination[n++] = (byte)':';
        value.CopyTo(destination[n..]);
        return n + value.Length;
    }
}
