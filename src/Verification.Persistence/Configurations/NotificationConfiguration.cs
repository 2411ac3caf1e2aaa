using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Verification.Domain.Claims;
using Verification.Domain.Notifications;

namespace Verification.Persistence.Configurations;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> n)
    {
        n.ToTable("Notifications");
        n.HasKey(x => x.Sequence);
        n.Property(x => x.Sequence).ValueGeneratedOnAdd();
        n.HasIndex(x => x.Id).IsUnique();
        n.HasOne<StaffUser>().WithMany().HasForeignKey(x => x.RecipientId).OnDelete(DeleteBehavior.Restrict);
        n.HasOne<Claim>().WithMany().HasForeignKey(x => x.ClaimId).OnDelete(DeleteBehavior.Restrict);
        n.Property(x => x.Text).HasMaxLength(Notification.TextMaxLength);
        n.Property(x => x.LastDeliveryError).HasMaxLength(Notification.ErrorMaxLength);
        // One person's list, newest first, and its unread count.
        n.HasIndex(x => new { x.RecipientId, x.Sequence });
        n.HasIndex(x => new { x.RecipientId, x.ReadAt });
        // The sender's question, every minute: which webhook copies are due?
        n.HasIndex(x => new { x.Delivery, x.NextDeliveryAt });
    }
}

internal sealed class StaffWebhookConfiguration : IEntityTypeConfiguration<StaffWebhook>
{
    public void Configure(EntityTypeBuilder<StaffWebhook> w)
    {
        w.ToTable("StaffWebhooks");
        w.HasKey(x => x.UserId);
        w.Property(x => x.UserId).ValueGeneratedNever();
        w.HasOne<StaffUser>().WithOne().HasForeignKey<StaffWebhook>(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        w.Property(x => x.Url).HasMaxLength(StaffWebhook.UrlMaxLength);
        w.Property(x => x.ProtectedSecret).HasMaxLength(2000);
    }
}

internal sealed class OverdueMarkConfiguration : IEntityTypeConfiguration<OverdueMark>
{
    public void Configure(EntityTypeBuilder<OverdueMark> m)
    {
        m.ToTable("OverdueMarks");
        m.HasKey(x => x.ItemId);
        m.Property(x => x.ItemId).ValueGeneratedNever();
        m.HasOne<Claim>().WithMany().HasForeignKey(x => x.ClaimId).OnDelete(DeleteBehavior.Restrict);
        m.HasIndex(x => x.ClaimId);
    }
}
