using System.Security.Cryptography;

namespace Verification.Domain.Audit;

/// <summary>
/// The Merkle tree of RFC 9162 §2.1 over the audit chain: leaf <c>i</c> is <c>SHA-256(0x00 || chain hash of entry i)</c>,
/// an interior node <c>SHA-256(0x01 || left || right)</c>, and a tree of <c>n</c> leaves splits at the largest power of
/// two smaller than <c>n</c>. Inclusion (§2.1.3) and consistency (§2.1.4) proofs are generated from the leaf hashes;
/// the verifiers (§2.1.3.2, §2.1.4.2) are here too, for the product's own checks. Partners check with their own code.
/// </summary>
public static class MerkleTree
{
    public const int HashSize = 32;

    /// <summary>SHA-256 of the empty string: the root of the tree with no leaves.</summary>
    public static byte[] EmptyRoot => SHA256.HashData([]);

    public static byte[] LeafHash(ReadOnlySpan<byte> chainHash)
    {
        Span<byte> buffer = stackalloc byte[1 + HashSize];
        buffer[0] = 0x00;
        chainHash.CopyTo(buffer[1..]);
        return SHA256.HashData(buffer[..(1 + chainHash.Length)]);
    }

    /// <summary>The leaf hash of an entry whose chain hash is the given lowercase hex.</summary>
    public static byte[] LeafHashOfHex(string chainHashHex) => LeafHash(Convert.FromHexString(chainHashHex));

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * HashSize];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>MTH(D[0:n]) over the first <paramref name="n"/> leaf hashes.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leaves, long n)
    {
        if (n < 0 || n > leaves.Count)
            throw new ArgumentOutOfRangeException(nameof(n));
        return n == 0 ? EmptyRoot : Subtree(leaves, 0, (int)n);
    }

    /// <summary>PATH(m, D[0:n]): the audit path of leaf <paramref name="m"/> in the tree of the first <paramref name="n"/> leaves.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(IReadOnlyList<byte[]> leaves, long m, long n)
    {
        if (n < 1 || n > leaves.Count || m < 0 || m >= n)
            throw new ArgumentOutOfRangeException(nameof(m), "The leaf must lie inside a tree that exists.");
        var proof = new List<byte[]>();
        Path((int)m, 0, (int)n);
        return proof;

        // The proof lists the siblings from the leaf upwards: the recursion descends first, then appends.
        void Path(int index, int start, int count)
        {
            if (count == 1)
                return;
            var k = LargestPowerOfTwoBelow(count);
            if (index < k)
            {
                Path(index, start, k);
                proof.Add(Subtree(leaves, start + k, count - k));
            }
            else
            {
                Path(index - k, start + k, count - k);
                proof.Add(Subtree(leaves, start, k));
            }
        }
    }

    /// <summary>PROOF(m, D[0:n]): the consistency proof between the trees of the first <paramref name="m"/> and <paramref name="n"/> leaves.</summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leaves, long m, long n)
    {
        if (n > leaves.Count || m < 0 || m > n)
            throw new ArgumentOutOfRangeException(nameof(m), "Both trees must exist and the first may not be larger.");
        var proof = new List<byte[]>();
        if (m == 0 || m == n)
            return proof;
        SubProof((int)m, 0, (int)n, true);
        return proof;

        // SUBPROOF(m, D[start:start+count], b) of RFC 9162 §2.1.4.1.
        void SubProof(int size, int start, int count, bool whole)
        {
            if (size == count)
            {
                if (!whole)
                    proof.Add(Subtree(leaves, start, count));
                return;
            }
            var k = LargestPowerOfTwoBelow(count);
            if (size <= k)
            {
                SubProof(size, start, k, whole);
                proof.Add(Subtree(leaves, start + k, count - k));
            }
            else
            {
                SubProof(size - k, start + k, count - k, false);
                proof.Add(Subtree(leaves, start, k));
            }
        }
    }

    /// <summary>RFC 9162 §2.1.3.2: whether <paramref name="proof"/> proves leaf <paramref name="leafIndex"/> in a tree of that size and root.</summary>
    public static bool VerifyInclusion(ReadOnlySpan<byte> leafHash, long leafIndex, long treeSize, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (leafIndex < 0 || leafIndex >= treeSize)
            return false;
        long fn = leafIndex, sn = treeSize - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0)
                return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = NodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>RFC 9162 §2.1.4.2: whether <paramref name="proof"/> shows the tree of size <paramref name="second"/> extends that of <paramref name="first"/>.</summary>
    public static bool VerifyConsistency(long first, long second, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> proof)
    {
        if (first < 0 || first > second)
            return false;
        if (first == second)
            return proof.Count == 0 && firstRoot.SequenceEqual(secondRoot);
        if (first == 0)
            return proof.Count == 0;
        if (proof.Count == 0)
            return false;
        var path = new List<byte[]>(proof);
        if (IsPowerOfTwo(first))
            path.Insert(0, firstRoot.ToArray());
        long fn = first - 1, sn = second - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
                return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && fr.AsSpan().SequenceEqual(firstRoot) && sr.AsSpan().SequenceEqual(secondRoot);
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2).</summary>
    public static int LargestPowerOfTwoBelow(int n)
    {
        var k = 1;
        while (k << 1 < n)
            k <<= 1;
        return k;
    }

    private static bool IsPowerOfTwo(long n) => n > 0 && (n & (n - 1)) == 0;

    private static byte[] Subtree(IReadOnlyList<byte[]> leaves, int start, int count)
    {
        if (count == 1)
            return leaves[start];
        var k = LargestPowerOfTwoBelow(count);
        return NodeHash(Subtree(leaves, start, k), Subtree(leaves, start + k, count - k));
    }
}

/// <summary>
/// The right edge of a growing tree (one perfect subtree root per set bit of the size), so that the root after any
/// number of leaves is known in O(log n) memory while the chain is streamed: verification compares it with every
/// signed head as the walk passes that head's size.
/// </summary>
public sealed class MerkleFrontier
{
    // Perfect subtrees, largest (leftmost) first; their sizes are the set bits of Size.
    private readonly List<(long Size, byte[] Hash)> _subtrees = [];

    public long Size { get; private set; }

    public void Append(byte[] leafHash)
    {
        var node = (Size: 1L, Hash: leafHash);
        while (_subtrees.Count > 0 && _subtrees[^1].Size == node.Size)
        {
            var left = _subtrees[^1];
            _subtrees.RemoveAt(_subtrees.Count - 1);
            node = (left.Size * 2, MerkleTree.NodeHash(left.Hash, node.Hash));
        }
        _subtrees.Add(node);
        Size++;
    }

    /// <summary>MTH over every leaf appended so far: the subtrees folded from the right, as the largest-power-of-two split gives.</summary>
    public byte[] Root()
    {
        if (_subtrees.Count == 0)
            return MerkleTree.EmptyRoot;
        var root = _subtrees[^1].Hash;
        for (var i = _subtrees.Count - 2; i >= 0; i--)
            root = MerkleTree.NodeHash(_subtrees[i].Hash, root);
        return root;
    }
}
