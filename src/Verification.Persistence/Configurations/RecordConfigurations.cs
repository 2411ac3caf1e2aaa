using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Verification.Domain.Audit;

namespace Verification.Persistence.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> a)
    {
        a.ToTable("AuditEntries");
        // The sequence is the key: two writers that read the same head cannot both append (no fork).
        a.HasKey(x => x.Sequence);
        a.Property(x => x.Sequence).ValueGeneratedNever();
        a.HasIndex(x => x.Id).IsUnique();
        a.Property(x => x.Actor).HasMaxLength(100);
        a.Property(x => x.Action).HasMaxLength(100);
        a.Property(x => x.TargetId).HasMaxLength(100);
        a.Property(x => x.ChangeDigest).HasMaxLength(64).IsFixedLength();
        a.Property(x => x.PreviousHash).HasMaxLength(64).IsFixedLength();
        a.Property(x => x.Hash).HasMaxLength(64).IsFixedLength();
        a.HasIndex(x => new { x.TargetId, x.Sequence });
        a.HasIndex(x => new { x.Actor, x.Sequence });
        a.HasIndex(x => x.At);
        a.Property(x => x.RecordsDigest).HasMaxLength(64).IsFixedLength();
    }
}

internal sealed class AuditRecordStateConfiguration : IEntityTypeConfiguration<AuditRecordState>
{
    public void Configure(EntityTypeBuilder<AuditRecordState> s)
    {
        s.ToTable("AuditRecordStates");
        // No foreign key to the entry: a deleted entry must leave its states behind for verification to find.
        s.HasKey(x => new { x.Sequence, x.RecordType, x.RecordId });
        s.Property(x => x.RecordType).HasMaxLength(20);
        s.Property(x => x.Digest).HasMaxLength(64).IsFixedLength();
        s.HasIndex(x => new { x.RecordType, x.RecordId, x.Sequence });
    }
}

internal sealed class TreeHeadRecordConfiguration : IEntityTypeConfiguration<TreeHeadRecord>
{
    public void Configure(EntityTypeBuilder<TreeHeadRecord> h)
    {
        h.ToTable("SignedTreeHeads");
        h.HasKey(x => x.Id);
        h.Property(x => x.Id).ValueGeneratedNever();
        h.HasIndex(x => x.TreeSize);
        h.Property(x => x.RootHash).HasMaxLength(64).IsFixedLength();
        h.Property(x => x.Timestamp).HasMaxLength(40);
        h.Property(x => x.KeyId).HasMaxLength(64);
        h.Property(x => x.Signature).HasMaxLength(200);
    }
}

internal sealed class ClaimNumberConfiguration : IEntityTypeConfiguration<ClaimNumber>
{
    public void Configure(EntityTypeBuilder<ClaimNumber> n)
    {
        n.ToTable("ClaimNumbers");
        n.HasKey(x => x.Id);
        n.Property(x => x.Id).ValueGeneratedOnAdd();
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> r)
    {
        r.ToTable("IdempotencyRecords");
        r.HasKey(x => new { x.UserId, x.Key });
        r.Property(x => x.Key).HasMaxLength(200);
        r.Property(x => x.RequestHash).HasMaxLength(64).IsFixedLength();
        r.HasIndex(x => x.ExpiresAt);
    }
}

internal sealed class ConsumedRefreshTokenConfiguration : IEntityTypeConfiguration<ConsumedRefreshToken>
{
    public void Configure(EntityTypeBuilder<ConsumedRefreshToken> t)
    {
        t.ToTable("ConsumedRefreshTokens");
        t.HasKey(x => x.TokenHash);
        t.Property(x => x.TokenHash).HasMaxLength(64).IsFixedLength();
        t.HasIndex(x => x.ExpiresAt);
    }
}
