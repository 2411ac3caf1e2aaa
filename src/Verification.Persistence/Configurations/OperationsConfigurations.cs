using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Verification.Domain.Claims;

namespace Verification.Persistence.Configurations;

internal sealed class OperationalCheckConfiguration : IEntityTypeConfiguration<OperationalCheck>
{
    public void Configure(EntityTypeBuilder<OperationalCheck> c)
    {
        c.ToTable("OperationalChecks");
        c.HasKey(x => x.Name);
        c.Property(x => x.Name).HasMaxLength(60);
    }
}

internal sealed class PossibleDuplicateConfiguration : IEntityTypeConfiguration<PossibleDuplicate>
{
    public void Configure(EntityTypeBuilder<PossibleDuplicate> d)
    {
        d.ToTable("PossibleDuplicates");
        // One flag per ordered pair: screening again never adds a second one.
        d.HasKey(x => new { x.ClaimId, x.OtherClaimId });
        d.HasOne<Claim>().WithMany().HasForeignKey(x => x.ClaimId).OnDelete(DeleteBehavior.Restrict);
        d.HasOne<Claim>().WithMany().HasForeignKey(x => x.OtherClaimId).OnDelete(DeleteBehavior.Restrict);
        d.HasIndex(x => x.OtherClaimId);
        d.Property(x => x.Reasons).HasMaxLength(1000);
    }
}
