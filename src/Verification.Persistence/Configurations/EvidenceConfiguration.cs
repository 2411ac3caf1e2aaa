using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Verification.Domain.Claims;
using Verification.Domain.Evidence;

namespace Verification.Persistence.Configurations;

internal sealed class EvidenceConfiguration : IEntityTypeConfiguration<EvidenceItem>
{
    public void Configure(EntityTypeBuilder<EvidenceItem> e)
    {
        e.ToTable("Evidence");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.HasOne<Claim>().WithMany().HasForeignKey(x => x.ClaimId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.Title).HasMaxLength(300);
        e.Property(x => x.Description).HasMaxLength(10_000);
        e.Property(x => x.Url).HasMaxLength(2048);
        e.Property(x => x.CollectedBy).HasMaxLength(200);
        e.Property(x => x.Origin).HasMaxLength(300);
        e.Property(x => x.Sha256).HasMaxLength(64).IsFixedLength();
        e.Property(x => x.ContentType).HasMaxLength(200);
        e.Property(x => x.DetectedContentType).HasMaxLength(200);
        e.Property(x => x.FileName).HasMaxLength(300);
        e.Property(x => x.ReviewReason).HasMaxLength(2000);
        // An item is reviewed once: the status is the concurrency token, so of two reviews that read it Pending at the
        // same moment, the second UPDATE matches no row and fails instead of overwriting the first (no column added).
        e.Property(x => x.ReviewStatus).IsConcurrencyToken();
        e.HasIndex(x => new { x.ClaimId, x.SubmittedAt, x.Id });
        e.HasIndex(x => x.Sha256);
        // Rolling fixity checks take the least recently checked items first.
        e.HasIndex(x => new { x.LastFixityCheckAt, x.Id });
        e.HasMany(x => x.Custody).WithOne().HasForeignKey(c => c.EvidenceId).OnDelete(DeleteBehavior.Restrict);
        e.Navigation(x => x.Custody).HasField("_custody").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class CustodyEventConfiguration : IEntityTypeConfiguration<CustodyEvent>
{
    public void Configure(EntityTypeBuilder<CustodyEvent> c)
    {
        c.ToTable("CustodyEvents");
        c.HasKey(x => x.Id);
        c.Property(x => x.Id).ValueGeneratedNever();
        c.Property(x => x.Details).HasMaxLength(2000);
        c.HasIndex(x => new { x.EvidenceId, x.At, x.Id });
    }
}
