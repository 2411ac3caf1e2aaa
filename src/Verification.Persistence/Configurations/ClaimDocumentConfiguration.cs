using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Verification.Domain.Claims;

namespace Verification.Persistence.Configurations;

internal sealed class ClaimDocumentConfiguration : IEntityTypeConfiguration<ClaimDocument>
{
    public void Configure(EntityTypeBuilder<ClaimDocument> d)
    {
        d.ToTable("ClaimDocuments");
        d.HasKey(x => x.ClaimId);
        d.Property(x => x.ClaimId).ValueGeneratedNever();
        // A document lives and dies with its claim.
        d.HasOne<Claim>().WithOne().HasForeignKey<ClaimDocument>(x => x.ClaimId).OnDelete(DeleteBehavior.Cascade);
        d.Property(x => x.Staff).IsRequired();
        // The integrity check samples the newest documents.
        d.HasIndex(x => x.UpdatedAt);
    }
}
