using System.Reflection;
using Verification.Domain.Audit;

namespace Verification.Domain.Tests;

public class AuditChainTests
{
    private static readonly DateTime Start = new(2024, 4, 2, 9, 0, 0, DateTimeKind.Utc);

    /// <summary>Ten entries, each appended after the previous one exactly as the audit trail does.</summary>
    private static List<AuditEntry> AChainOfTen()
    {
        var chain = new List<AuditEntry>();
        for (var i = 0; i < 10; i++)
        {
            var previous = chain.LastOrDefault();
            chain.Add(AuditEntry.Append(previous?.Sequence ?? 0, previous?.Hash ?? AuditEntry.GenesisHash,
                Start.AddMinutes(i).AddTicks(1234567), $"reviewer-{i % 3}@example.org", $"Action{i}", Guid.NewGuid().ToString(),
                $"digest-{i}"));
        }
        return chain;
    }

    /// <summary>Changes a field behind the domain's back, as someone with write access to the table could.</summary>
    private static void Overwrite(AuditEntry entry, string property, object value) =>
        typeof(AuditEntry).GetProperty(property, BindingFlags.Public | BindingFlags.Instance)!.SetValue(entry, value);

    [Fact]
    public void An_untouched_chain_verifies_end_to_end()
    {
        var chain = AChainOfTen();

        var result = AuditChainVerifier.Verify(chain);

        Assert.Equal(new ChainVerification(true, 10, null, null), result);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), chain.Select(e => e.Sequence));
        Assert.Equal(AuditEntry.GenesisHash, chain[0].PreviousHash);
        Assert.All(chain.Skip(1).Zip(chain), pair => Assert.Equal(pair.Second.Hash, pair.First.PreviousHash));
    }

    [Fact]
    public void A_changed_entry_is_named()
    {
        var chain = AChainOfTen();
        var fifth = chain[4];

        Overwrite(fifth, nameof(AuditEntry.Action), "NothingHappened");
        var result = AuditChainVerifier.Verify(chain);

        Assert.False(result.Valid);
        Assert.Equal(5, result.FirstInvalidSequence);
        Assert.Equal(fifth.Id, result.FirstInvalidEntryId);
        Assert.Equal(4, result.Checked);
    }

    [Fact]
    public void A_changed_entry_whose_hash_was_recomputed_is_found_at_the_next_entry()
    {
        var chain = AChainOfTen();
        Overwrite(chain[4], nameof(AuditEntry.Actor), "someone-else@example.org");
        Overwrite(chain[4], nameof(AuditEntry.Hash), chain[4].ComputeHash());

        var result = AuditChainVerifier.Verify(chain);

        Assert.False(result.Valid);
        Assert.Equal(6, result.FirstInvalidSequence);
        Assert.Equal(chain[5].Id, result.FirstInvalidEntryId);
    }

    [Fact]
    public void A_removed_entry_is_found_at_the_entry_after_the_gap()
    {
        var chain = AChainOfTen();
        var afterTheGap = chain[5];

        chain.RemoveAt(4);
        var result = AuditChainVerifier.Verify(chain);

        Assert.False(result.Valid);
        Assert.Equal(6, result.FirstInvalidSequence);
        Assert.Equal(afterTheGap.Id, result.FirstInvalidEntryId);
        Assert.Equal(4, result.Checked);
    }

    [Fact]
    public void A_removed_entry_is_found_even_when_the_later_sequences_are_renumbered()
    {
        var chain = AChainOfTen();
        chain.RemoveAt(4);
        foreach (var entry in chain.Skip(4))
            Overwrite(entry, nameof(AuditEntry.Sequence), entry.Sequence - 1);

        var result = AuditChainVerifier.Verify(chain);

        Assert.False(result.Valid);
        Assert.Equal(5, result.FirstInvalidSequence);
        Assert.Equal(chain[4].Id, result.FirstInvalidEntryId);
    }

    [Fact]
    public void Two_swapped_entries_are_found_at_the_first_out_of_place()
    {
        var chain = AChainOfTen();
        var (fourth, fifth) = (chain[3], chain[4]);

        (chain[3], chain[4]) = (fifth, fourth);
        var result = AuditChainVerifier.Verify(chain);

        Assert.False(result.Valid);
        Assert.Equal(5, result.FirstInvalidSequence);
        Assert.Equal(fifth.Id, result.FirstInvalidEntryId);
        Assert.Equal(3, result.Checked);
    }

    [Fact]
    public void A_chain_that_does_not_start_at_the_genesis_hash_is_refused()
    {
        var forged = AuditEntry.Append(0, new string('f', 64), Start, "admin@example.org", "Forged", null, "digest");

        var result = AuditChainVerifier.Verify([forged]);

        Assert.False(result.Valid);
        Assert.Equal(1, result.FirstInvalidSequence);
        Assert.Equal(0, result.Checked);
    }

    [Fact]
    public void The_canonical_encoding_is_unambiguous()
    {
        var id = Guid.NewGuid();

        var abThenC = AuditEntry.CanonicalEncoding(1, id, Start, "ab", "c", "t", "d", AuditEntry.GenesisHash);
        var aThenBc = AuditEntry.CanonicalEncoding(1, id, Start, "a", "bc", "t", "d", AuditEntry.GenesisHash);

        Assert.NotEqual(abThenC, aThenBc);
    }

    [Fact]
    public void The_canonical_encoding_prefixes_each_field_with_its_byte_length()
    {
        var id = new Guid("01890a5d-ac96-774b-bcce-b302099a8057");

        var encoding = System.Text.Encoding.UTF8.GetString(
            AuditEntry.CanonicalEncoding(7, id, Start, "é", "Act", null, "", "h"));

        Assert.Equal($"1:736:{id}27:2024-04-02T09:00:00.000000Z2:é3:Act0:0:1:h", encoding);
    }

    [Fact]
    public void Time_is_kept_to_the_microsecond_so_every_database_reproduces_the_hash()
    {
        var entry = AuditEntry.Append(0, AuditEntry.GenesisHash, Start.AddTicks(15), "a", "b", null, "c");

        Assert.Equal(Start.AddTicks(10), entry.At);
        Assert.Equal(DateTimeKind.Utc, entry.At.Kind);
    }
}
