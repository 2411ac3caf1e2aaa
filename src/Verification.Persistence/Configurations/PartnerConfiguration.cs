using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Verification.Domain.Partners;

namespace Verification.Persistence.Configurations;

internal sealed class PartnerConfiguration : IEntityTypeConfiguration<Partner>
{
    public void Configure(EntityTypeBuilder<Partner> p)
    {
        p.ToTable("Partners");
        p.HasKey(x => x.Id);
        p.Property(x => x.Id).ValueGeneratedNever();
        p.Property(x => x.Name).HasMaxLength(Partner.NameMaxLength);
        p.HasIndex(x => x.Name).IsUnique();
        p.Property(x => x.KeyHash).HasMaxLength(64).IsFixedLength();
        p.Property(x => x.KeyPrefix).HasMaxLength(PartnerApiKey.PrefixLength);
        // A key is looked up by its prefix, then its hash is compared in constant time; prefixes may collide, so no unique index.
        p.HasIndex(x => x.KeyPrefix);
        p.Ignore(x => x.HasActiveKey);
    }
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    private static readonly System.Text.Json.JsonSerializerOptions FilterJson = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public void Configure(EntityTypeBuilder<WebhookSubscription> s)
    {
        s.ToTable("WebhookSubscriptions");
        s.HasKey(x => x.Id);
        s.Property(x => x.Id).ValueGeneratedNever();
        s.HasOne<Partner>().WithMany().HasForeignKey(x => x.PartnerId).OnDelete(DeleteBehavior.Restrict);
        s.Property(x => x.Url).HasMaxLength(WebhookSubscription.UrlMaxLength);
        s.Property(x => x.Events).AsJson();
        s.Property(x => x.ProtectedSecret).HasMaxLength(2000);
        s.HasIndex(x => new { x.PartnerId, x.CreatedAt });
        s.Property(x => x.Filter).HasConversion(
                v => v == null ? null : System.Text.Json.JsonSerializer.Serialize(v, FilterJson),
                v => v == null ? null : System.Text.Json.JsonSerializer.Deserialize<WebhookFilter>(v, FilterJson),
                new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<WebhookFilter?>(
                    (a, b) => System.Text.Json.JsonSerializer.Serialize(a, FilterJson) == System.Text.Json.JsonSerializer.Serialize(b, FilterJson),
                    v => System.Text.Json.JsonSerializer.Serialize(v, FilterJson).GetHashCode(StringComparison.Ordinal),
                    v => v))
            .HasMaxLength(4000);
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> m)
    {
        m.ToTable("WebhookOutbox");
        m.HasKey(x => x.Sequence);
        m.Property(x => x.Sequence).ValueGeneratedOnAdd();
        m.HasIndex(x => x.Id).IsUnique();
        m.HasOne<Partner>().WithMany().HasForeignKey(x => x.PartnerId).OnDelete(DeleteBehavior.Restrict);
        m.HasOne<WebhookSubscription>().WithMany().HasForeignKey(x => x.SubscriptionId).OnDelete(DeleteBehavior.Restrict);
        m.Property(x => x.Event).HasMaxLength(40);
        m.Property(x => x.Payload).HasMaxLength(4000);
        // The sender's question, every minute: which pending messages are due?
        m.HasIndex(x => new { x.Status, x.NextAttemptAt });
        // The partner's delivery log, newest first.
        m.HasIndex(x => new { x.SubscriptionId, x.Sequence });
        m.HasMany(x => x.AttemptLog).WithOne().HasForeignKey(a => a.MessageId).HasPrincipalKey(x => x.Id).OnDelete(DeleteBehavior.Restrict);
        m.Navigation(x => x.AttemptLog).HasField("_attempts").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class WebhookDeliveryAttemptConfiguration : IEntityTypeConfiguration<WebhookDeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookDeliveryAttempt> a)
    {
        a.ToTable("WebhookDeliveryAttempts");
        a.HasKey(x => x.Id);
        a.Property(x => x.Id).ValueGeneratedNever();
        a.Property(x => x.Error).HasMaxLength(OutboxMessage.ErrorMaxLength);
        a.HasIndex(x => new { x.MessageId, x.Attempt }).IsUnique();
    }
}

internal sealed class PartnerExportConfiguration : IEntityTypeConfiguration<PartnerExport>
{
    public void Configure(EntityTypeBuilder<PartnerExport> e)
    {
        e.ToTable("PartnerExports");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.HasOne<Partner>().WithMany().HasForeignKey(x => x.PartnerId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.Format).HasMaxLength(16);
        e.Property(x => x.Head).HasMaxLength(4000);
        e.Property(x => x.Sha256).HasMaxLength(64).IsFixedLength();
        e.Ignore(x => x.IsFinished);
        e.HasIndex(x => new { x.PartnerId, x.CreatedAt });
    }
}

internal sealed class PartnerExportRecordConfiguration : IEntityTypeConfiguration<PartnerExportRecord>
{
    public void Configure(EntityTypeBuilder<PartnerExportRecord> r)
    {
        r.ToTable("PartnerExportRecords");
        r.HasKey(x => new { x.ExportId, x.Ordinal });
        r.Property(x => x.Ordinal).ValueGeneratedNever();
        r.HasOne<PartnerExport>().WithMany().HasForeignKey(x => x.ExportId).OnDelete(DeleteBehavior.Cascade);
        r.Property(x => x.Sha256).HasMaxLength(64).IsFixedLength();
    }
}
