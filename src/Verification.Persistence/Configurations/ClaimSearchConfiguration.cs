using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Verification.Domain.Claims;
using Verification.Persistence.Search;

namespace Verification.Persistence.Configurations;

/// <summary>
/// The search text of each claim. The columns EF Core knows are plain text; the index over them is provider SQL in the
/// hand-written migration FullTextSearch (keep it when regenerating migrations), because EF Core has no model for an
/// FTS5 table, a tsvector column or a SQL Server full-text index. On SQLite its triggers hang on this table: an EF
/// Core migration that rebuilds ClaimSearch must recreate them (see that migration).
/// </summary>
internal sealed class ClaimSearchConfiguration : IEntityTypeConfiguration<ClaimSearchDocument>
{
    public void Configure(EntityTypeBuilder<ClaimSearchDocument> s)
    {
        s.ToTable("ClaimSearch");
        s.HasKey(x => x.ClaimId);
        s.Property(x => x.ClaimId).ValueGeneratedNever();
        s.HasOne<Claim>().WithOne().HasForeignKey<ClaimSearchDocument>(x => x.ClaimId).OnDelete(DeleteBehavior.Cascade);
        s.HasIndex(x => x.Number).IsUnique();
        s.HasIndex(x => x.Version);
    }
}
