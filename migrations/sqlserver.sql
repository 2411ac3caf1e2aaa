IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
BEGIN
    CREATE TABLE [__EFMigrationsHistory] (
        [MigrationId] nvarchar(150) NOT NULL,
        [ProductVersion] nvarchar(32) NOT NULL,
        CONSTRAINT [PK___EFMigrationsHistory] PRIMARY KEY ([MigrationId])
    );
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [AspNetRoles] (
        [Id] uniqueidentifier NOT NULL,
        [Name] nvarchar(256) NULL,
        [NormalizedName] nvarchar(256) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoles] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [AspNetUsers] (
        [Id] uniqueidentifier NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [UserName] nvarchar(256) NULL,
        [NormalizedUserName] nvarchar(256) NULL,
        [Email] nvarchar(256) NULL,
        [NormalizedEmail] nvarchar(256) NULL,
        [EmailConfirmed] bit NOT NULL,
        [PasswordHash] nvarchar(max) NULL,
        [SecurityStamp] nvarchar(max) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        [PhoneNumber] nvarchar(max) NULL,
        [PhoneNumberConfirmed] bit NOT NULL,
        [TwoFactorEnabled] bit NOT NULL,
        [LockoutEnd] datetimeoffset NULL,
        [LockoutEnabled] bit NOT NULL,
        [AccessFailedCount] int NOT NULL,
        CONSTRAINT [PK_AspNetUsers] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [AuditEntries] (
        [Sequence] bigint NOT NULL,
        [Id] uniqueidentifier NOT NULL,
        [At] datetime2 NOT NULL,
        [Actor] nvarchar(100) NOT NULL,
        [Action] nvarchar(100) NOT NULL,
        [TargetId] nvarchar(100) NULL,
        [ChangeDigest] nchar(64) NOT NULL,
        [PreviousHash] nchar(64) NOT NULL,
        [Hash] nchar(64) NOT NULL,
        CONSTRAINT [PK_AuditEntries] PRIMARY KEY ([Sequence])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [ClaimNumbers] (
        [Id] bigint NOT NULL IDENTITY,
        [IssuedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_ClaimNumbers] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [ConsumedRefreshTokens] (
        [TokenHash] nchar(64) NOT NULL,
        [UserId] uniqueidentifier NOT NULL,
        [ConsumedAt] datetime2 NOT NULL,
        [ExpiresAt] datetime2 NOT NULL,
        CONSTRAINT [PK_ConsumedRefreshTokens] PRIMARY KEY ([TokenHash])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [DataProtectionKeys] (
        [Id] int NOT NULL IDENTITY,
        [FriendlyName] nvarchar(max) NULL,
        [Xml] nvarchar(max) NULL,
        CONSTRAINT [PK_DataProtectionKeys] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [IdempotencyRecords] (
        [UserId] uniqueidentifier NOT NULL,
        [Key] nvarchar(200) NOT NULL,
        [RequestHash] nchar(64) NOT NULL,
        [ResourceId] uniqueidentifier NOT NULL,
        [ResponseBody] nvarchar(max) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [ExpiresAt] datetime2 NOT NULL,
        CONSTRAINT [PK_IdempotencyRecords] PRIMARY KEY ([UserId], [Key])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [Imports] (
        [Id] uniqueidentifier NOT NULL,
        [Format] nvarchar(40) NOT NULL,
        [DryRun] bit NOT NULL,
        [DatasetVersion] nvarchar(20) NULL,
        [FileSha256] nchar(64) NOT NULL,
        [FileSizeBytes] bigint NOT NULL,
        [FileName] nvarchar(300) NULL,
        [CreatedBy] uniqueidentifier NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [Status] nvarchar(40) NOT NULL,
        [StartedAt] datetime2 NULL,
        [FinishedAt] datetime2 NULL,
        [Attempts] int NOT NULL,
        [TotalRows] int NULL,
        [ProcessedRows] int NOT NULL,
        [NewClaims] int NOT NULL,
        [SkippedRows] int NOT NULL,
        [FailedRows] int NOT NULL,
        [RecordedErrors] int NOT NULL,
        [FailureReason] nvarchar(2000) NULL,
        [Version] bigint NOT NULL,
        CONSTRAINT [PK_Imports] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [OperationalChecks] (
        [Name] nvarchar(60) NOT NULL,
        [Passed] bit NOT NULL,
        [CheckedAt] datetime2 NOT NULL,
        [Checked] bigint NOT NULL,
        [Failures] bigint NOT NULL,
        [FirstFailureId] uniqueidentifier NULL,
        CONSTRAINT [PK_OperationalChecks] PRIMARY KEY ([Name])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [Partners] (
        [Id] uniqueidentifier NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [SharingLevel] nvarchar(40) NOT NULL,
        [CreatedBy] uniqueidentifier NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [KeyHash] nchar(64) NOT NULL,
        [KeyPrefix] nvarchar(11) NOT NULL,
        [KeyIssuedAt] datetime2 NOT NULL,
        [KeyRevokedAt] datetime2 NULL,
        CONSTRAINT [PK_Partners] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [AspNetRoleClaims] (
        [Id] int NOT NULL IDENTITY,
        [RoleId] uniqueidentifier NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoleClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetRoleClaims_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserClaims] (
        [Id] int NOT NULL IDENTITY,
        [UserId] uniqueidentifier NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetUserClaims_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserLogins] (
        [LoginProvider] nvarchar(450) NOT NULL,
        [ProviderKey] nvarchar(450) NOT NULL,
        [ProviderDisplayName] nvarchar(max) NULL,
        [UserId] uniqueidentifier NOT NULL,
        CONSTRAINT [PK_AspNetUserLogins] PRIMARY KEY ([LoginProvider], [ProviderKey]),
        CONSTRAINT [FK_AspNetUserLogins_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserRoles] (
        [UserId] uniqueidentifier NOT NULL,
        [RoleId] uniqueidentifier NOT NULL,
        CONSTRAINT [PK_AspNetUserRoles] PRIMARY KEY ([UserId], [RoleId]),
        CONSTRAINT [FK_AspNetUserRoles_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_AspNetUserRoles_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserTokens] (
        [UserId] uniqueidentifier NOT NULL,
        [LoginProvider] nvarchar(450) NOT NULL,
        [Name] nvarchar(450) NOT NULL,
        [Value] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserTokens] PRIMARY KEY ([UserId], [LoginProvider], [Name]),
        CONSTRAINT [FK_AspNetUserTokens_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [Claims] (
        [Id] uniqueidentifier NOT NULL,
        [Number] bigint NOT NULL,
        [Reference] nvarchar(32) NOT NULL,
        [Stage] nvarchar(40) NOT NULL,
        [Version] bigint NOT NULL,
        [SubmittedBy] uniqueidentifier NOT NULL,
        [SubmittedAt] datetime2 NOT NULL,
        [UpdatedAt] datetime2 NOT NULL,
        [ExternalId] nvarchar(200) NULL,
        [ImportId] uniqueidentifier NULL,
        [Title] nvarchar(300) NOT NULL,
        [Summary] nvarchar(max) NOT NULL,
        [ViolationTypeFlags] int NOT NULL,
        [Perpetrators] nvarchar(max) NOT NULL,
        [Sources] nvarchar(max) NOT NULL,
        [StageReason] nvarchar(2000) NULL,
        [DuplicateOf] uniqueidentifier NULL,
        [HasBeenDecided] bit NOT NULL,
        [ReopeningSuggested] bit NOT NULL,
        [VerdictProposalId] uniqueidentifier NULL,
        [ChildrenKilledMax] int NULL,
        [ChildrenKilledMin] int NULL,
        [CiviliansKilledMax] int NULL,
        [CiviliansKilledMin] int NULL,
        [InjuredMax] int NULL,
        [InjuredMin] int NULL,
        [KilledMax] int NULL,
        [KilledMin] int NULL,
        [WomenKilledMax] int NULL,
        [WomenKilledMin] int NULL,
        [IncidentEnd] date NOT NULL,
        [IncidentStart] date NOT NULL,
        [TimePrecision] nvarchar(40) NOT NULL,
        [Admin1] nvarchar(200) NULL,
        [Admin2] nvarchar(200) NULL,
        [CountryCode] nchar(2) NOT NULL,
        [GeoPrecision] nvarchar(40) NOT NULL,
        [Latitude] float NULL,
        [Longitude] float NULL,
        [PlaceName] nvarchar(200) NOT NULL,
        CONSTRAINT [PK_Claims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Claims_Imports_ImportId] FOREIGN KEY ([ImportId]) REFERENCES [Imports] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [ImportErrors] (
        [ImportId] uniqueidentifier NOT NULL,
        [Ordinal] int NOT NULL,
        [Row] int NOT NULL,
        [Field] nvarchar(200) NOT NULL,
        [Message] nvarchar(2000) NOT NULL,
        CONSTRAINT [PK_ImportErrors] PRIMARY KEY ([ImportId], [Ordinal]),
        CONSTRAINT [FK_ImportErrors_Imports_ImportId] FOREIGN KEY ([ImportId]) REFERENCES [Imports] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [WebhookSubscriptions] (
        [Id] uniqueidentifier NOT NULL,
        [PartnerId] uniqueidentifier NOT NULL,
        [Url] nvarchar(2048) NOT NULL,
        [Events] nvarchar(max) NOT NULL,
        [ProtectedSecret] nvarchar(2000) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_WebhookSubscriptions] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_WebhookSubscriptions_Partners_PartnerId] FOREIGN KEY ([PartnerId]) REFERENCES [Partners] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [ClaimAssignments] (
        [ClaimId] uniqueidentifier NOT NULL,
        [UserId] uniqueidentifier NOT NULL,
        [AssignedBy] uniqueidentifier NOT NULL,
        [AssignedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_ClaimAssignments] PRIMARY KEY ([ClaimId], [UserId]),
        CONSTRAINT [FK_ClaimAssignments_Claims_ClaimId] FOREIGN KEY ([ClaimId]) REFERENCES [Claims] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [ClaimEvents] (
        [Id] uniqueidentifier NOT NULL,
        [ClaimId] uniqueidentifier NOT NULL,
        [At] datetime2 NOT NULL,
        [Actor] uniqueidentifier NULL,
        [Action] nvarchar(60) NOT NULL,
        [Details] nvarchar(4000) NOT NULL,
        CONSTRAINT [PK_ClaimEvents] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_ClaimEvents_Claims_ClaimId] FOREIGN KEY ([ClaimId]) REFERENCES [Claims] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [Evidence] (
        [Id] uniqueidentifier NOT NULL,
        [ClaimId] uniqueidentifier NOT NULL,
        [Kind] nvarchar(40) NOT NULL,
        [Title] nvarchar(300) NULL,
        [Description] nvarchar(max) NULL,
        [Url] nvarchar(2048) NULL,
        [CollectedAt] datetime2 NULL,
        [CollectedBy] nvarchar(200) NULL,
        [Origin] nvarchar(300) NULL,
        [Stance] nvarchar(40) NOT NULL,
        [Sha256] nchar(64) NOT NULL,
        [SizeBytes] bigint NOT NULL,
        [ContentType] nvarchar(200) NULL,
        [DetectedContentType] nvarchar(200) NULL,
        [FileName] nvarchar(300) NULL,
        [HasContent] bit NOT NULL,
        [DuplicateOf] uniqueidentifier NULL,
        [TestimonyText] nvarchar(max) NULL,
        [ProtectedWitness] nvarchar(max) NULL,
        [SubmittedBy] uniqueidentifier NOT NULL,
        [SubmittedAt] datetime2 NOT NULL,
        [ReviewStatus] nvarchar(40) NOT NULL,
        [ReviewedBy] uniqueidentifier NULL,
        [ReviewedAt] datetime2 NULL,
        [ReviewReason] nvarchar(2000) NULL,
        [SourceReliability] nvarchar(40) NULL,
        [InformationCredibility] int NULL,
        [LastFixityCheckAt] datetime2 NOT NULL,
        [FixityFailed] bit NOT NULL,
        CONSTRAINT [PK_Evidence] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Evidence_Claims_ClaimId] FOREIGN KEY ([ClaimId]) REFERENCES [Claims] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [PossibleDuplicates] (
        [ClaimId] uniqueidentifier NOT NULL,
        [OtherClaimId] uniqueidentifier NOT NULL,
        [FlaggedAt] datetime2 NOT NULL,
        [Reasons] nvarchar(1000) NOT NULL,
        CONSTRAINT [PK_PossibleDuplicates] PRIMARY KEY ([ClaimId], [OtherClaimId]),
        CONSTRAINT [FK_PossibleDuplicates_Claims_ClaimId] FOREIGN KEY ([ClaimId]) REFERENCES [Claims] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_PossibleDuplicates_Claims_OtherClaimId] FOREIGN KEY ([OtherClaimId]) REFERENCES [Claims] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [VerdictProposals] (
        [Id] uniqueidentifier NOT NULL,
        [ClaimId] uniqueidentifier NOT NULL,
        [Rating] nvarchar(40) NOT NULL,
        [Rationale] nvarchar(max) NOT NULL,
        [AttributedTo] nvarchar(max) NOT NULL,
        [ProposedBy] uniqueidentifier NOT NULL,
        [ProposedAt] datetime2 NOT NULL,
        [Status] nvarchar(40) NOT NULL,
        [DecidedBy] uniqueidentifier NULL,
        [DecidedAt] datetime2 NULL,
        [RejectionReason] nvarchar(2000) NULL,
        [ChildrenKilledMax] int NULL,
        [ChildrenKilledMin] int NULL,
        [CiviliansKilledMax] int NULL,
        [CiviliansKilledMin] int NULL,
        [InjuredMax] int NULL,
        [InjuredMin] int NULL,
        [KilledMax] int NULL,
        [KilledMin] int NULL,
        [WomenKilledMax] int NULL,
        [WomenKilledMin] int NULL,
        CONSTRAINT [PK_VerdictProposals] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_VerdictProposals_Claims_ClaimId] FOREIGN KEY ([ClaimId]) REFERENCES [Claims] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [WebhookOutbox] (
        [Sequence] bigint NOT NULL IDENTITY,
        [Id] uniqueidentifier NOT NULL,
        [PartnerId] uniqueidentifier NOT NULL,
        [SubscriptionId] uniqueidentifier NOT NULL,
        [Event] nvarchar(40) NOT NULL,
        [ClaimId] uniqueidentifier NOT NULL,
        [OccurredAt] datetime2 NOT NULL,
        [Payload] nvarchar(4000) NOT NULL,
        [Status] nvarchar(40) NOT NULL,
        [Attempts] int NOT NULL,
        [NextAttemptAt] datetime2 NOT NULL,
        [DeliveredAt] datetime2 NULL,
        CONSTRAINT [PK_WebhookOutbox] PRIMARY KEY ([Sequence]),
        CONSTRAINT [AK_WebhookOutbox_Id] UNIQUE ([Id]),
        CONSTRAINT [FK_WebhookOutbox_Partners_PartnerId] FOREIGN KEY ([PartnerId]) REFERENCES [Partners] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_WebhookOutbox_WebhookSubscriptions_SubscriptionId] FOREIGN KEY ([SubscriptionId]) REFERENCES [WebhookSubscriptions] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [CustodyEvents] (
        [Id] uniqueidentifier NOT NULL,
        [EvidenceId] uniqueidentifier NOT NULL,
        [At] datetime2 NOT NULL,
        [Actor] uniqueidentifier NULL,
        [Action] nvarchar(40) NOT NULL,
        [Details] nvarchar(2000) NOT NULL,
        CONSTRAINT [PK_CustodyEvents] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_CustodyEvents_Evidence_EvidenceId] FOREIGN KEY ([EvidenceId]) REFERENCES [Evidence] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE TABLE [WebhookDeliveryAttempts] (
        [Id] uniqueidentifier NOT NULL,
        [MessageId] uniqueidentifier NOT NULL,
        [Attempt] int NOT NULL,
        [AttemptedAt] datetime2 NOT NULL,
        [StatusCode] int NULL,
        [Error] nvarchar(1000) NULL,
        [NextAttemptAt] datetime2 NULL,
        CONSTRAINT [PK_WebhookDeliveryAttempts] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_WebhookDeliveryAttempts_WebhookOutbox_MessageId] FOREIGN KEY ([MessageId]) REFERENCES [WebhookOutbox] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetRoleClaims_RoleId] ON [AspNetRoleClaims] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [RoleNameIndex] ON [AspNetRoles] ([NormalizedName]) WHERE [NormalizedName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserClaims_UserId] ON [AspNetUserClaims] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserLogins_UserId] ON [AspNetUserLogins] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserRoles_RoleId] ON [AspNetUserRoles] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [EmailIndex] ON [AspNetUsers] ([NormalizedEmail]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [UserNameIndex] ON [AspNetUsers] ([NormalizedUserName]) WHERE [NormalizedUserName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_AuditEntries_Actor_Sequence] ON [AuditEntries] ([Actor], [Sequence]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_AuditEntries_At] ON [AuditEntries] ([At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_AuditEntries_Id] ON [AuditEntries] ([Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_AuditEntries_TargetId_Sequence] ON [AuditEntries] ([TargetId], [Sequence]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_ClaimAssignments_UserId] ON [ClaimAssignments] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_ClaimEvents_ClaimId_At_Id] ON [ClaimEvents] ([ClaimId], [At], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_Claims_ExternalId] ON [Claims] ([ExternalId]) WHERE [ExternalId] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_Claims_ImportId_Number] ON [Claims] ([ImportId], [Number]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Claims_Number] ON [Claims] ([Number]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Claims_Reference] ON [Claims] ([Reference]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_Claims_Stage_Number] ON [Claims] ([Stage], [Number]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_Claims_Stage_UpdatedAt_Number] ON [Claims] ([Stage], [UpdatedAt], [Number]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_Claims_SubmittedBy_Number] ON [Claims] ([SubmittedBy], [Number]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_ConsumedRefreshTokens_ExpiresAt] ON [ConsumedRefreshTokens] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_CustodyEvents_EvidenceId_At_Id] ON [CustodyEvents] ([EvidenceId], [At], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_Evidence_ClaimId_SubmittedAt_Id] ON [Evidence] ([ClaimId], [SubmittedAt], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_Evidence_LastFixityCheckAt_Id] ON [Evidence] ([LastFixityCheckAt], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_Evidence_Sha256] ON [Evidence] ([Sha256]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_IdempotencyRecords_ExpiresAt] ON [IdempotencyRecords] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_Imports_CreatedAt_Id] ON [Imports] ([CreatedAt], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_Imports_CreatedBy_CreatedAt_Id] ON [Imports] ([CreatedBy], [CreatedAt], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_Imports_FileSha256] ON [Imports] ([FileSha256]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_Partners_KeyPrefix] ON [Partners] ([KeyPrefix]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Partners_Name] ON [Partners] ([Name]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_PossibleDuplicates_OtherClaimId] ON [PossibleDuplicates] ([OtherClaimId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_VerdictProposals_ClaimId_ProposedAt] ON [VerdictProposals] ([ClaimId], [ProposedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_WebhookDeliveryAttempts_MessageId_Attempt] ON [WebhookDeliveryAttempts] ([MessageId], [Attempt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_WebhookOutbox_Id] ON [WebhookOutbox] ([Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_WebhookOutbox_PartnerId] ON [WebhookOutbox] ([PartnerId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_WebhookOutbox_Status_NextAttemptAt] ON [WebhookOutbox] ([Status], [NextAttemptAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_WebhookOutbox_SubscriptionId_Sequence] ON [WebhookOutbox] ([SubscriptionId], [Sequence]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    CREATE INDEX [IX_WebhookSubscriptions_PartnerId_CreatedAt] ON [WebhookSubscriptions] ([PartnerId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126035932_Initial'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261126035932_Initial', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    ALTER TABLE [WebhookSubscriptions] ADD [Filter] nvarchar(4000) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    ALTER TABLE [WebhookSubscriptions] ADD [RemovedAt] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    ALTER TABLE [Claims] ADD [ReviewerEmail] nvarchar(256) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    ALTER TABLE [Claims] ADD [ReviewerId] uniqueidentifier NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    ALTER TABLE [Claims] ADD [ReviewerSince] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    ALTER TABLE [AuditEntries] ADD [RecordsDigest] nchar(64) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    ALTER TABLE [AspNetUsers] ADD [DeactivatedAt] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    ALTER TABLE [AspNetUsers] ADD [MustChangePassword] bit NOT NULL DEFAULT CAST(0 AS bit);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    CREATE TABLE [AuditRecordStates] (
        [Sequence] bigint NOT NULL,
        [RecordType] nvarchar(20) NOT NULL,
        [RecordId] uniqueidentifier NOT NULL,
        [Digest] nchar(64) NOT NULL,
        CONSTRAINT [PK_AuditRecordStates] PRIMARY KEY ([Sequence], [RecordType], [RecordId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    CREATE TABLE [ClaimComments] (
        [Id] uniqueidentifier NOT NULL,
        [ClaimId] uniqueidentifier NOT NULL,
        [AuthorId] uniqueidentifier NOT NULL,
        [Text] nvarchar(max) NOT NULL,
        [Mentions] nvarchar(4000) NOT NULL,
        [At] datetime2 NOT NULL,
        CONSTRAINT [PK_ClaimComments] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_ClaimComments_Claims_ClaimId] FOREIGN KEY ([ClaimId]) REFERENCES [Claims] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    CREATE TABLE [PartnerExports] (
        [Id] uniqueidentifier NOT NULL,
        [PartnerId] uniqueidentifier NOT NULL,
        [Format] nvarchar(16) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [Head] nvarchar(4000) NULL,
        [RecordCount] bigint NULL,
        [Sha256] nchar(64) NULL,
        [FinishedAt] datetime2 NULL,
        CONSTRAINT [PK_PartnerExports] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_PartnerExports_Partners_PartnerId] FOREIGN KEY ([PartnerId]) REFERENCES [Partners] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    CREATE TABLE [SignedTreeHeads] (
        [Id] uniqueidentifier NOT NULL,
        [TreeSize] bigint NOT NULL,
        [RootHash] nchar(64) NOT NULL,
        [Timestamp] nvarchar(40) NOT NULL,
        [KeyId] nvarchar(64) NOT NULL,
        [Signature] nvarchar(200) NOT NULL,
        [TimestampToken] nvarchar(max) NULL,
        CONSTRAINT [PK_SignedTreeHeads] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    CREATE TABLE [PartnerExportRecords] (
        [ExportId] uniqueidentifier NOT NULL,
        [Ordinal] bigint NOT NULL,
        [ClaimId] uniqueidentifier NOT NULL,
        [ClaimVersion] bigint NOT NULL,
        [Sha256] nchar(64) NOT NULL,
        CONSTRAINT [PK_PartnerExportRecords] PRIMARY KEY ([ExportId], [Ordinal]),
        CONSTRAINT [FK_PartnerExportRecords_PartnerExports_ExportId] FOREIGN KEY ([ExportId]) REFERENCES [PartnerExports] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    CREATE INDEX [IX_Claims_ReviewerId_Number] ON [Claims] ([ReviewerId], [Number]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    CREATE INDEX [IX_AuditRecordStates_RecordType_RecordId_Sequence] ON [AuditRecordStates] ([RecordType], [RecordId], [Sequence]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    CREATE INDEX [IX_ClaimComments_ClaimId_At_Id] ON [ClaimComments] ([ClaimId], [At], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    CREATE INDEX [IX_PartnerExports_PartnerId_CreatedAt] ON [PartnerExports] ([PartnerId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    CREATE INDEX [IX_SignedTreeHeads_TreeSize] ON [SignedTreeHeads] ([TreeSize]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206003450_SignedHeadsExportManifestsDailyWorkAndAccounts', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE TABLE [ClaimDocuments] (
        [ClaimId] uniqueidentifier NOT NULL,
        [Version] bigint NOT NULL,
        [Staff] varbinary(max) NOT NULL,
        [PartnerPublic] varbinary(max) NULL,
        [PartnerRestricted] varbinary(max) NULL,
        [UpdatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_ClaimDocuments] PRIMARY KEY ([ClaimId]),
        CONSTRAINT [FK_ClaimDocuments_Claims_ClaimId] FOREIGN KEY ([ClaimId]) REFERENCES [Claims] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE TABLE [ClaimSearch] (
        [ClaimId] uniqueidentifier NOT NULL,
        [Number] bigint NOT NULL,
        [Version] int NOT NULL,
        [Title] nvarchar(max) NOT NULL,
        [Names] nvarchar(max) NOT NULL,
        [Summary] nvarchar(max) NOT NULL,
        [Sources] nvarchar(max) NOT NULL,
        [Evidence] nvarchar(max) NOT NULL,
        [Perpetrators] nvarchar(max) NOT NULL,
        CONSTRAINT [PK_ClaimSearch] PRIMARY KEY ([ClaimId]),
        CONSTRAINT [FK_ClaimSearch_Claims_ClaimId] FOREIGN KEY ([ClaimId]) REFERENCES [Claims] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE TABLE [Notifications] (
        [Sequence] bigint NOT NULL IDENTITY,
        [Id] uniqueidentifier NOT NULL,
        [RecipientId] uniqueidentifier NOT NULL,
        [Kind] nvarchar(40) NOT NULL,
        [ClaimId] uniqueidentifier NOT NULL,
        [Text] nvarchar(500) NOT NULL,
        [At] datetime2 NOT NULL,
        [ReadAt] datetime2 NULL,
        [Delivery] nvarchar(40) NOT NULL,
        [DeliveryAttempts] int NOT NULL,
        [NextDeliveryAt] datetime2 NULL,
        [DeliveredAt] datetime2 NULL,
        [LastDeliveryError] nvarchar(1000) NULL,
        CONSTRAINT [PK_Notifications] PRIMARY KEY ([Sequence]),
        CONSTRAINT [FK_Notifications_AspNetUsers_RecipientId] FOREIGN KEY ([RecipientId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Notifications_Claims_ClaimId] FOREIGN KEY ([ClaimId]) REFERENCES [Claims] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE TABLE [OverdueMarks] (
        [ItemId] uniqueidentifier NOT NULL,
        [Kind] nvarchar(40) NOT NULL,
        [ClaimId] uniqueidentifier NOT NULL,
        [DueAt] datetime2 NOT NULL,
        [MarkedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_OverdueMarks] PRIMARY KEY ([ItemId]),
        CONSTRAINT [FK_OverdueMarks_Claims_ClaimId] FOREIGN KEY ([ClaimId]) REFERENCES [Claims] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE TABLE [StaffWebhooks] (
        [UserId] uniqueidentifier NOT NULL,
        [Url] nvarchar(2000) NOT NULL,
        [ProtectedSecret] nvarchar(2000) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_StaffWebhooks] PRIMARY KEY ([UserId]),
        CONSTRAINT [FK_StaffWebhooks_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE INDEX [IX_ClaimDocuments_UpdatedAt] ON [ClaimDocuments] ([UpdatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE UNIQUE INDEX [IX_ClaimSearch_Number] ON [ClaimSearch] ([Number]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE INDEX [IX_ClaimSearch_Version] ON [ClaimSearch] ([Version]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE INDEX [IX_Notifications_ClaimId] ON [Notifications] ([ClaimId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE INDEX [IX_Notifications_Delivery_NextDeliveryAt] ON [Notifications] ([Delivery], [NextDeliveryAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Notifications_Id] ON [Notifications] ([Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE INDEX [IX_Notifications_RecipientId_ReadAt] ON [Notifications] ([RecipientId], [ReadAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE INDEX [IX_Notifications_RecipientId_Sequence] ON [Notifications] ([RecipientId], [Sequence]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    CREATE INDEX [IX_OverdueMarks_ClaimId] ON [OverdueMarks] ([ClaimId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206031502_ReadSideSearchAndNotifications'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206031502_ReadSideSearchAndNotifications', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206235900_FullTextSearch'
)
BEGIN
    CREATE INDEX [IX_Claims_Latitude_Longitude] ON [Claims] ([Latitude], [Longitude]);
END;

COMMIT;
GO

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206235900_FullTextSearch'
)
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sys.fulltext_catalogs WHERE name = N'VerificationSearch') CREATE FULLTEXT CATALOG [VerificationSearch] WITH ACCENT_SENSITIVITY = OFF;
END;
GO

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206235900_FullTextSearch'
)
BEGIN
    CREATE FULLTEXT INDEX ON [ClaimSearch] ([Title] LANGUAGE 0, [Names] LANGUAGE 0, [Summary] LANGUAGE 0, [Sources] LANGUAGE 0, [Evidence] LANGUAGE 0) KEY INDEX [IX_ClaimSearch_Number] ON [VerificationSearch] WITH (CHANGE_TRACKING = AUTO, STOPLIST = OFF);
END;
GO

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206235900_FullTextSearch'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206235900_FullTextSearch', N'10.0.15');
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206235930_ClaimBoxIndex'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206235930_ClaimBoxIndex', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207190000_ClaimDocumentsInlineLz4'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261207190000_ClaimDocumentsInlineLz4', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207200000_CoordinatesIndexWhereUsed'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261207200000_CoordinatesIndexWhereUsed', N'10.0.15');
END;

COMMIT;
GO

