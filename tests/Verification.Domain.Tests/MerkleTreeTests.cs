using System.Security.Cryptography;
using System.Text;
using Verification.Domain.Audit;

namespace Verification.Domain.Tests;

/// <summary>
/// The RFC 9162 §2.1 tree over the audit chain: roots of small trees written out by hand, the audit paths and
/// consistency proofs of the RFC's own seven-leaf example, and every proof for trees up to 64 leaves checked by a
/// verifier written here (a recursive one, not the RFC's bit walk the product uses).
/// </summary>
public class MerkleTreeTests
{
    private static byte[] H(params byte[][] parts) => SHA256.HashData(parts.SelectMany(p => p).ToArray());

    private static byte[] Node(byte[] left, byte[] right) => H([0x01], left, right);

    /// <summary>Leaf i: SHA-256(0x00 || a 32-byte "chain hash"), the chain hash being SHA-256 of "entry i".</summary>
    private static byte[] ChainHash(int i) => SHA256.HashData(Encoding.UTF8.GetBytes($"entry {i}"));

    private static List<byte[]> Leaves(int n) => [.. Enumerable.Range(0, n).Select(i => H([0x00], ChainHash(i)))];

    [Fact]
    public void A_leaf_is_the_hash_of_a_zero_byte_and_the_chain_hash_and_the_empty_tree_is_the_hash_of_nothing()
    {
        Assert.Equal(H([0x00], ChainHash(0)), MerkleTree.LeafHash(ChainHash(0)));
        Assert.Equal(H([0x00], ChainHash(5)), MerkleTree.LeafHashOfHex(Convert.ToHexStringLower(ChainHash(5))));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleTree.Root(Leaves(0), 0)));
    }

    [Fact]
    public void Roots_of_one_to_eight_leaves_split_at_the_largest_power_of_two_below_the_size()
    {
        var l = Leaves(8);
        var h01 = Node(l[0], l[1]);
        var h23 = Node(l[2], l[3]);
        var h0123 = Node(h01, h23);
        var h45 = Node(l[4], l[5]);
        var expected = new[]
        {
            l[0],
            h01,
            Node(h01, l[2]),
            h0123,
            Node(h0123, l[4]),
            Node(h0123, h45),
            Node(h0123, Node(h45, l[6])),
            Node(h0123, Node(h45, Node(l[6], l[7]))),
        };
        for (var n = 1; n <= 8; n++)
            Assert.Equal(Convert.ToHexStringLower(expected[n - 1]), Convert.ToHexStringLower(MerkleTree.Root(l, n)));
    }

    [Fact]
    public void The_seven_leaf_example_of_the_RFC_gives_its_audit_paths_and_consistency_proofs()
    {
        // RFC 6962 §2.1.3 (the same tree in RFC 9162): a..f and j are leaves 0..6; g=ab, h=cd, i=ef, k=gh, l=ij.
        var d = Leaves(7);
        var (a, b, c, dd, e, f, j) = (d[0], d[1], d[2], d[3], d[4], d[5], d[6]);
        var g = Node(a, b);
        var h = Node(c, dd);
        var i = Node(e, f);
        var k = Node(g, h);
        var l = Node(i, j);
        Assert.Equal(Node(k, l), MerkleTree.Root(d, 7));

        Assert.Equal([b, h, l], MerkleTree.InclusionProof(d, 0, 7));
        Assert.Equal([c, g, l], MerkleTree.InclusionProof(d, 3, 7));
        Assert.Equal([f, j, k], MerkleTree.InclusionProof(d, 4, 7));
        Assert.Equal([i, k], MerkleTree.InclusionProof(d, 6, 7));

        Assert.Equal([c, dd, g, l], MerkleTree.ConsistencyProof(d, 3, 7));
        Assert.Equal([l], MerkleTree.ConsistencyProof(d, 4, 7));
        Assert.Equal([i, j, k], MerkleTree.ConsistencyProof(d, 6, 7));
        Assert.Empty(MerkleTree.ConsistencyProof(d, 7, 7));
    }

    [Fact]
    public void Every_inclusion_proof_up_to_64_leaves_verifies_and_a_changed_leaf_or_path_does_not()
    {
        var all = Leaves(64);
        for (var n = 1; n <= 64; n++)
        {
            var root = MerkleTree.Root(all, n);
            for (var m = 0; m < n; m++)
            {
                var proof = MerkleTree.InclusionProof(all, m, n);
                Assert.Equal(root, RootFromPath(all[m], m, n, [.. proof]));
                Assert.True(MerkleTree.VerifyInclusion(all[m], m, n, proof, root), $"leaf {m} of {n}");

                var other = all[(m + 1) % 64];
                Assert.NotEqual(root, RootFromPath(other, m, n, [.. proof]));
                Assert.False(MerkleTree.VerifyInclusion(other, m, n, proof, root));
                if (proof.Count > 0)
                {
                    var bent = proof.ToList();
                    bent[^1] = Flip(bent[^1]);
                    Assert.False(MerkleTree.VerifyInclusion(all[m], m, n, bent, root));
                    Assert.NotEqual(root, RootFromPath(all[m], m, n, bent));
                }
            }
        }
    }

    [Fact]
    public void Every_consistency_proof_up_to_64_leaves_verifies_and_a_rewritten_older_tree_does_not()
    {
        var all = Leaves(64);
        for (var n = 1; n <= 64; n++)
        {
            var second = MerkleTree.Root(all, n);
            for (var m = 1; m <= n; m++)
            {
                var first = MerkleTree.Root(all, m);
                var proof = MerkleTree.ConsistencyProof(all, m, n);
                var (oldRoot, newRoot) = RootsFromConsistency(m, n, first, [.. proof]);
                Assert.Equal(first, oldRoot);
                Assert.Equal(second, newRoot);
                Assert.True(MerkleTree.VerifyConsistency(m, n, first, second, proof), $"{m} → {n}");

                // History rewritten before m: the new tree is not an extension of the old one.
                var rewritten = all.ToList();
                rewritten[m - 1] = Flip(rewritten[m - 1]);
                var forged = MerkleTree.Root(rewritten, n);
                Assert.False(MerkleTree.VerifyConsistency(m, n, first, forged, MerkleTree.ConsistencyProof(rewritten, m, n)));
                var (o, nw) = RootsFromConsistency(m, n, first, [.. MerkleTree.ConsistencyProof(rewritten, m, n)]);
                Assert.False(o is not null && o.SequenceEqual(first) && nw is not null && nw.SequenceEqual(forged), $"rewritten {m} → {n}");
            }
        }
    }

    [Fact]
    public void The_frontier_gives_the_root_after_every_leaf_without_keeping_the_leaves()
    {
        var all = Leaves(130);
        var frontier = new MerkleFrontier();
        Assert.Equal(MerkleTree.EmptyRoot, frontier.Root());
        for (var n = 1; n <= all.Count; n++)
        {
            frontier.Append(all[n - 1]);
            Assert.Equal(n, frontier.Size);
            Assert.Equal(MerkleTree.Root(all, n), frontier.Root());
        }
    }

    private static byte[] Flip(byte[] hash)
    {
        var copy = hash.ToArray();
        copy[0] ^= 0x01;
        return copy;
    }

    /// <summary>
    /// The root an audit path leads to, by the definition of PATH (RFC 9162 §2.1.3.1) read backwards: the last hash of
    /// the path is the sibling at the top split, the rest is the path inside the half that holds the leaf.
    /// </summary>
    private static byte[]? RootFromPath(byte[] leaf, long index, long size, List<byte[]> path)
    {
        if (size == 1)
            return path.Count == 0 ? leaf : null;
        if (path.Count == 0)
            return null;
        var k = 1L;
        while (k * 2 < size)
            k *= 2;
        var sibling = path[^1];
        var rest = path[..^1];
        return index < k
            ? RootFromPath(leaf, index, k, rest) is { } left ? Node(left, sibling) : null
            : RootFromPath(leaf, index - k, size - k, rest) is { } right ? Node(sibling, right) : null;
    }

    /// <summary>The old and new roots a consistency proof leads to, by the definition of SUBPROOF (§2.1.4.1) read backwards.</summary>
    private static (byte[]? Old, byte[]? New) RootsFromConsistency(long m, long n, byte[] firstRoot, List<byte[]> proof, bool whole = true)
    {
        if (m == n)
        {
            if (whole)
                return proof.Count == 0 ? (firstRoot, firstRoot) : (null, null);
            return proof.Count == 1 ? (proof[0], proof[0]) : (null, null);
        }
        if (proof.Count == 0)
            return (null, null);
        var k = 1L;
        while (k * 2 < n)
            k *= 2;
        var sibling = proof[^1];
        var rest = proof[..^1];
        if (m <= k)
        {
            var (o, nw) = RootsFromConsistency(m, k, firstRoot, rest, whole);
            return (o, nw is null ? null : Node(nw, sibling));
        }
        var (ro, rn) = RootsFromConsistency(m - k, n - k, firstRoot, rest, whole: false);
        return (ro is null ? null : Node(sibling, ro), rn is null ? null : Node(sibling, rn));
    }
}
