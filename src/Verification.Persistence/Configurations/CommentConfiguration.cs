using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Verification.Domain.Claims;

namespace Verification.Persistence.Configurations;

internal sealed class ClaimCommentConfiguration : IEntityTypeConfiguration<ClaimComment>
{
    public void Configure(EntityTypeBuilder<ClaimComment> c)
    {
        c.ToTable("ClaimComments");
        c.HasKey(x => x.Id);
        c.Property(x => x.Id).ValueGeneratedNever();
        c.HasOne<Claim>().WithMany().HasForeignKey(x => x.ClaimId).OnDelete(DeleteBehavior.Restrict);
        c.Property(x => x.Text).HasMaxLength(ClaimComment.TextMaxLength);
        c.Property(x => x.Mentions).AsJson().HasMaxLength(4000);
        // A claim's comments, oldest first.
        c.HasIndex(x => new { x.ClaimId, x.At, x.Id });
    }
}
