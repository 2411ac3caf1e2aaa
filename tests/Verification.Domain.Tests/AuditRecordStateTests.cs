using Verification.Domain.Audit;

namespace Verification.Domain.Tests;

public class AuditRecordStateTests
{
    private static readonly DateTime At = new(2024, 4, 2, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_records_digest_is_bound_into_the_entry_and_the_states_stored_for_it_must_match()
    {
        var claim = Guid.CreateVersion7();
        var evidence = Guid.CreateVersion7();
        AuditRecordState[] states =
        [
            new(1, AuditRecordState.Evidence, evidence, new string('b', 64)),
            new(1, AuditRecordState.Claim, claim, new string('a', 64)),
        ];
        var entry = AuditEntry.Append(0, AuditEntry.GenesisHash, At, "user:x", "AddEvidence", evidence.ToString(), new string('c', 64),
            AuditRecordState.DigestOf(states));
        var without = AuditEntry.Append(0, AuditEntry.GenesisHash, At, "user:x", "AddEvidence", evidence.ToString(), new string('c', 64));
        Assert.NotEqual(without.Hash, entry.Hash);
        Assert.Equal(entry.ComputeHash(), entry.Hash);

        Assert.True(new AuditChainVerifier().Accept(entry, states.Reverse().ToList()), "the order the rows come back in does not matter");
        AuditRecordState[] edited = [states[0], new(1, AuditRecordState.Claim, claim, new string('d', 64))];
        Assert.False(new AuditChainVerifier().Accept(entry, edited), "a state edited in its table is found");
        Assert.False(new AuditChainVerifier().Accept(entry, [states[0]]), "a state removed from its table is found");
        Assert.False(new AuditChainVerifier().Accept(without, states), "states added to an entry that covered none are found");
    }

    [Fact]
    public void An_entry_that_covers_nothing_has_the_digest_of_no_lines()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", AuditRecordState.DigestOf(Array.Empty<AuditRecordState>()));
        var id = Guid.Parse("0193a5b0-0000-7000-8000-000000000001");
        Assert.Equal(Verification.Domain.Common.Hashing.Sha256Hex($"Claim:{id}:{new string('a', 64)}\n"),
            AuditRecordState.DigestOf([new AuditRecordState(7, AuditRecordState.Claim, id, new string('a', 64))]));
    }
}
