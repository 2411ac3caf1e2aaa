using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Verification.Domain.Claims;
using Verification.Domain.Imports;

namespace Verification.Persistence.Configurations;

internal sealed class ImportConfiguration : IEntityTypeConfiguration<Import>
{
    public void Configure(EntityTypeBuilder<Import> i)
    {
        i.ToTable("Imports");
        i.HasKey(x => x.Id);
        i.Property(x => x.Id).ValueGeneratedNever();
        i.Property(x => x.FileSha256).HasMaxLength(64).IsFixedLength();
        i.Property(x => x.FileName).HasMaxLength(300);
        i.Property(x => x.DatasetVersion).HasMaxLength(20);
        i.Property(x => x.FailureReason).HasMaxLength(2000);
        i.Property(x => x.Version).IsConcurrencyToken();
        i.Ignore(x => x.CreatedClaims);
        i.Ignore(x => x.IsFinished);
        // The list route pages each importer's imports (coordinators: everyone's) newest first.
        i.HasIndex(x => new { x.CreatedBy, x.CreatedAt, x.Id });
        i.HasIndex(x => new { x.CreatedAt, x.Id });
        i.HasIndex(x => x.FileSha256);
        // A claim's ImportId names the import that created it; an import with claims is never deleted.
        i.HasMany<Claim>().WithOne().HasForeignKey(c => c.ImportId).OnDelete(DeleteBehavior.Restrict);
        i.HasMany<ImportError>().WithOne().HasForeignKey(e => e.ImportId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ImportErrorConfiguration : IEntityTypeConfiguration<ImportError>
{
    public void Configure(EntityTypeBuilder<ImportError> e)
    {
        e.ToTable("ImportErrors");
        e.HasKey(x => new { x.ImportId, x.Ordinal });
        e.Property(x => x.Ordinal).ValueGeneratedNever();
        e.Property(x => x.Field).HasMaxLength(200);
        e.Property(x => x.Message).HasMaxLength(2000);
    }
}
