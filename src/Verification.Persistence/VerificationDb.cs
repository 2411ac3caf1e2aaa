using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Verification.Domain.Audit;
using Verification.Domain.Claims;
using Verification.Domain.Evidence;
using Verification.Domain.Partners;
using Verification.Domain.Imports;
using Verification.Domain.Notifications;
using Verification.Domain.Verdicts;

namespace Verification.Persistence;

/// <summary>
/// The one database context: Identity, the workflow, the evidence trail, the audit chain and the
/// Data Protection key ring, on SQLite, PostgreSQL or SQL Server.
/// </summary>
public sealed class VerificationDb(DbContextOptions<VerificationDb> options)
    : IdentityDbContext<StaffUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Claim> Claims => Set<Claim>();
    public DbSet<ClaimEvent> ClaimEvents => Set<ClaimEvent>();
    public DbSet<ClaimAssignment> ClaimAssignments => Set<ClaimAssignment>();
    public DbSet<ClaimComment> ClaimComments => Set<ClaimComment>();
    public DbSet<VerdictProposal> VerdictProposals => Set<VerdictProposal>();
    public DbSet<EvidenceItem> Evidence => Set<EvidenceItem>();
    public DbSet<CustodyEvent> CustodyEvents => Set<CustodyEvent>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AuditRecordState> AuditRecordStates => Set<AuditRecordState>();
    public DbSet<TreeHeadRecord> SignedTreeHeads => Set<TreeHeadRecord>();
    public DbSet<ClaimNumber> ClaimNumbers => Set<ClaimNumber>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<ConsumedRefreshToken> ConsumedRefreshTokens => Set<ConsumedRefreshToken>();
    public DbSet<Import> Imports => Set<Import>();
    public DbSet<ImportError> ImportErrors => Set<ImportError>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<OperationalCheck> OperationalChecks => Set<OperationalCheck>();
    public DbSet<PossibleDuplicate> PossibleDuplicates => Set<PossibleDuplicate>();
    public DbSet<Partner> Partners => Set<Partner>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<WebhookDeliveryAttempt> WebhookDeliveryAttempts => Set<WebhookDeliveryAttempt>();
    public DbSet<PartnerExport> PartnerExports => Set<PartnerExport>();
    public DbSet<PartnerExportRecord> PartnerExportRecords => Set<PartnerExportRecord>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<StaffWebhook> StaffWebhooks => Set<StaffWebhook>();
    public DbSet<OverdueMark> OverdueMarks => Set<OverdueMark>();
    public DbSet<ClaimDocument> ClaimDocuments => Set<ClaimDocument>();

    // Kept once per context: the provider's name is read by reflection (Assembly.GetName) on every call, and the write
    // path asks several times per command.
    public DatabaseProvider Provider => _provider ??= Database.ProviderName switch
    {
        "Microsoft.EntityFrameworkCore.Sqlite" => DatabaseProvider.Sqlite,
        "Npgsql.EntityFrameworkCore.PostgreSQL" => DatabaseProvider.PostgreSql,
        "Microsoft.EntityFrameworkCore.SqlServer" => DatabaseProvider.SqlServer,
        var other => throw new NotSupportedException($"Database provider {other} is not supported."),
    };

    private DatabaseProvider? _provider;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every stored time is UTC; SQLite and SQL Server hand DateTime back without a kind, so it is restored here.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        // Enums are stored by name: readable in the database and safe when a member is added in the middle.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(40);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(VerificationDb).Assembly);
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
