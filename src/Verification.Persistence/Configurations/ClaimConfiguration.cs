using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Verification.Domain.Claims;
using Verification.Domain.Verdicts;

namespace Verification.Persistence.Configurations;

internal sealed class ClaimConfiguration : IEntityTypeConfiguration<Claim>
{
    public void Configure(EntityTypeBuilder<Claim> claim)
    {
        claim.ToTable("Claims");
        claim.HasKey(c => c.Id);
        claim.Property(c => c.Id).ValueGeneratedNever();
        claim.HasIndex(c => c.Number).IsUnique();
        claim.Property(c => c.Reference).HasMaxLength(32);
        claim.HasIndex(c => c.Reference).IsUnique();
        claim.Property(c => c.Version).IsConcurrencyToken();
        claim.Property(c => c.Title).HasMaxLength(300);
        claim.Property(c => c.Summary).HasMaxLength(10_000);
        claim.Property(c => c.ExternalId).HasMaxLength(200);
        claim.HasIndex(c => c.ExternalId).IsUnique();
        claim.Property(c => c.StageReason).HasMaxLength(2000);
        claim.Ignore(c => c.ViolationTypes);
        claim.Ignore(c => c.Verdict);
        claim.Property(c => c.Perpetrators).AsJson();
        claim.Property(c => c.Sources).AsJson();

        claim.ComplexProperty(c => c.Incident, incident =>
        {
            incident.Property(i => i.StartDate).HasColumnName("IncidentStart");
            incident.Property(i => i.EndDate).HasColumnName("IncidentEnd");
            incident.Property(i => i.TimePrecision).HasColumnName("TimePrecision");
        });
        claim.ComplexProperty(c => c.Location, location =>
        {
            location.Property(l => l.PlaceName).HasColumnName("PlaceName").HasMaxLength(200);
            location.Property(l => l.CountryCode).HasColumnName("CountryCode").HasMaxLength(2).IsFixedLength();
            location.Property(l => l.Admin1).HasColumnName("Admin1").HasMaxLength(200);
            location.Property(l => l.Admin2).HasColumnName("Admin2").HasMaxLength(200);
            location.Property(l => l.Latitude).HasColumnName("Latitude");
            location.Property(l => l.Longitude).HasColumnName("Longitude");
            location.Property(l => l.GeoPrecision).HasColumnName("GeoPrecision");
        });
        claim.ComplexProperty(c => c.Harm, harm => HarmColumns.Map(harm, string.Empty));

        // Keyset paging walks Number; each filter of the list route has an index that ends in it.
        claim.HasIndex(c => new { c.Stage, c.Number });
        claim.HasIndex(c => new { c.SubmittedBy, c.Number });
        claim.HasIndex(c => new { c.ImportId, c.Number });
        claim.Property(c => c.ReviewerEmail).HasMaxLength(256);
        // A reviewer's queue and the reviewer=me filter.
        claim.HasIndex(c => new { c.ReviewerId, c.Number });
        claim.HasIndex(c => new { c.Stage, c.UpdatedAt, c.Number });

        claim.HasMany(c => c.Proposals).WithOne().HasForeignKey(p => p.ClaimId).OnDelete(DeleteBehavior.Restrict);
        claim.HasMany(c => c.Assignments).WithOne().HasForeignKey(a => a.ClaimId).OnDelete(DeleteBehavior.Restrict);
        claim.HasMany(c => c.History).WithOne().HasForeignKey(e => e.ClaimId).OnDelete(DeleteBehavior.Restrict);
        claim.Navigation(c => c.Proposals).HasField("_proposals").UsePropertyAccessMode(PropertyAccessMode.Field);
        claim.Navigation(c => c.Assignments).HasField("_assignments").UsePropertyAccessMode(PropertyAccessMode.Field);
        claim.Navigation(c => c.History).HasField("_history").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal static class HarmColumns
{
    public static void Map(ComplexPropertyBuilder<Harm> harm, string prefix)
    {
        harm.Property(h => h.KilledMin).HasColumnName(prefix + "KilledMin");
        harm.Property(h => h.KilledMax).HasColumnName(prefix + "KilledMax");
        harm.Property(h => h.InjuredMin).HasColumnName(prefix + "InjuredMin");
        harm.Property(h => h.InjuredMax).HasColumnName(prefix + "InjuredMax");
        harm.Property(h => h.CiviliansKilledMin).HasColumnName(prefix + "CiviliansKilledMin");
        harm.Property(h => h.CiviliansKilledMax).HasColumnName(prefix + "CiviliansKilledMax");
        harm.Property(h => h.ChildrenKilledMin).HasColumnName(prefix + "ChildrenKilledMin");
        harm.Property(h => h.ChildrenKilledMax).HasColumnName(prefix + "ChildrenKilledMax");
        harm.Property(h => h.WomenKilledMin).HasColumnName(prefix + "WomenKilledMin");
        harm.Property(h => h.WomenKilledMax).HasColumnName(prefix + "WomenKilledMax");
    }
}

internal sealed class ClaimEventConfiguration : IEntityTypeConfiguration<ClaimEvent>
{
    public void Configure(EntityTypeBuilder<ClaimEvent> e)
    {
        e.ToTable("ClaimEvents");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Action).HasMaxLength(60);
        e.Property(x => x.Details).HasMaxLength(4000);
        e.HasIndex(x => new { x.ClaimId, x.At, x.Id });
    }
}

internal sealed class ClaimAssignmentConfiguration : IEntityTypeConfiguration<ClaimAssignment>
{
    public void Configure(EntityTypeBuilder<ClaimAssignment> a)
    {
        a.ToTable("ClaimAssignments");
        a.HasKey(x => new { x.ClaimId, x.UserId });
        a.HasIndex(x => x.UserId);
    }
}

internal sealed class VerdictProposalConfiguration : IEntityTypeConfiguration<VerdictProposal>
{
    public void Configure(EntityTypeBuilder<VerdictProposal> p)
    {
        p.ToTable("VerdictProposals");
        p.HasKey(x => x.Id);
        p.Property(x => x.Id).ValueGeneratedNever();
        p.Property(x => x.Rationale).HasMaxLength(10_000);
        p.Property(x => x.RejectionReason).HasMaxLength(2000);
        p.Property(x => x.AttributedTo).AsJson();
        p.ComplexProperty(x => x.Harm, harm => HarmColumns.Map(harm, string.Empty));
        p.HasIndex(x => new { x.ClaimId, x.ProposedAt });
    }
}
