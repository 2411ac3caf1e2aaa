using Verification.Persistence;

namespace Verification.Benchmarks.Floor;

/// <summary>
/// The SQL the API sends, copied from EF Core's own output (EF command logging on the running API, and
/// <see cref="EfSql"/> for the reads) so that the floor runs the same statements with plain ADO.NET. Each run
/// compares the read statements with what EF generates at that moment and says in the report whether they still
/// match. When the API's projection changes, regenerate these with `-- sql`.
/// </summary>
public static class FloorSql
{
    public static string ReadOneClaim(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? SqliteReadOneClaim : PostgreSqlReadOneClaim;

    public static string ListFirstPage(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? SqliteListFirstPage : PostgreSqlListFirstPage;

    public static string ListAfterCursor(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? SqliteListAfterCursor : PostgreSqlListAfterCursor;

    public static string PartnerFirstPage(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? SqlitePartnerFirstPage : PostgreSqlPartnerFirstPage;

    // ---- Submitting a claim: the claim number, the claim and its event, the audit entry with its record state, the documents, the search text ----

    public const string InsertClaimNumber = """
        INSERT INTO "ClaimNumbers" ("IssuedAt")
        VALUES (@p0)
        RETURNING "Id";
        """;

    public const string InsertClaim = """
        INSERT INTO "Claims" ("Id", "DuplicateOf", "ExternalId", "HasBeenDecided", "ImportId", "Number", "Perpetrators", "Reference", "ReopeningSuggested", "Sources", "Stage", "StageReason", "SubmittedAt", "SubmittedBy", "Summary", "Title", "UpdatedAt", "VerdictProposalId", "Version", "ViolationTypeFlags", "ChildrenKilledMax", "ChildrenKilledMin", "CiviliansKilledMax", "CiviliansKilledMin", "InjuredMax", "InjuredMin", "KilledMax", "KilledMin", "WomenKilledMax", "WomenKilledMin", "IncidentEnd", "IncidentStart", "TimePrecision", "Admin1", "Admin2", "CountryCode", "GeoPrecision", "Latitude", "Longitude", "PlaceName")
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17, @p18, @p19, @p20, @p21, @p22, @p23, @p24, @p25, @p26, @p27, @p28, @p29, @p30, @p31, @p32, @p33, @p34, @p35, @p36, @p37, @p38, @p39);
        """;

    public const string InsertClaimEvent = """
        INSERT INTO "ClaimEvents" ("Id", "Action", "Actor", "At", "ClaimId", "Details")
        VALUES (@p40, @p41, @p42, @p43, @p44, @p45);
        """;

    /// <summary>The claim's stored document (ClaimDocumentProjection, in the command's transaction; a submitted claim has no partner shapes).</summary>
    public const string InsertClaimDocument = """
        INSERT INTO "ClaimDocuments" ("ClaimId", "PartnerPublic", "PartnerRestricted", "Staff", "UpdatedAt", "Version")
        VALUES (@d0, @d1, @d2, @d3, @d4, @d5);
        """;

    /// <summary>
    /// The claim's search text (ClaimSearchProjection, in the command's transaction). On SQLite its insert trigger indexes the
    /// text in the FTS5 table, on PostgreSQL the generated search vector and its index are written: work the API's
    /// submission does inside its transaction, so the floor does it too.
    /// </summary>
    public const string InsertClaimSearch = """
        INSERT INTO "ClaimSearch" ("ClaimId", "Evidence", "Names", "Number", "Perpetrators", "Sources", "Summary", "Title", "Version")
        VALUES (@s0, @s1, @s2, @s3, @s4, @s5, @s6, @s7, @s8);
        """;

    /// <summary>AuditTrail's advisory lock on "the audit chain head" (key 0x5645524946).</summary>
    public const string PostgreSqlAuditLock = "SELECT pg_advisory_xact_lock(370530208070)";

    /// <summary>AuditTrail's head query: the last entry and the largest signed tree size (same text on both providers).</summary>
    public const string AuditHead = """
        SELECT a."Sequence", a."Hash", (SELECT max(s."TreeSize") FROM "SignedTreeHeads" AS s)
        FROM "AuditEntries" AS a
        ORDER BY a."Sequence" DESC
        LIMIT 1;
        """;

    public const string InsertAuditEntry = """
        INSERT INTO "AuditEntries" ("Sequence", "Action", "Actor", "At", "ChangeDigest", "Hash", "Id", "PreviousHash", "RecordsDigest", "TargetId")
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9);
        """;

    /// <summary>The record state the audit entry covers (the new claim's digest, RecordStates).</summary>
    public const string InsertAuditRecordState = """
        INSERT INTO "AuditRecordStates" ("RecordId", "RecordType", "Sequence", "Digest")
        VALUES (@r0, @r1, @r2, @r3);
        """;

    // ---- Reads: ClaimProjection.ToResponse as EF Core 10 translates it (GetClaim and the first page of ListClaims) ----

    public const string SqliteReadOneClaim = """
        SELECT "c1"."Id", "c1"."Reference", "c1"."Stage", "c1"."Version", "c1"."SubmittedBy", "c1"."SubmittedAt", "c1"."UpdatedAt", "c1"."Title", "c1"."Summary", "c1"."ViolationTypeFlags", "c1"."IncidentStart", "c1"."IncidentEnd", "c1"."TimePrecision", "c1"."PlaceName", "c1"."CountryCode", "c1"."Admin1", "c1"."Admin2", "c1"."Latitude", "c1"."Longitude", "c1"."GeoPrecision", "c1"."Perpetrators", "c1"."KilledMin", "c1"."KilledMax", "c1"."InjuredMin", "c1"."InjuredMax", "c1"."CiviliansKilledMin", "c1"."CiviliansKilledMax", "c1"."ChildrenKilledMin", "c1"."ChildrenKilledMax", "c1"."WomenKilledMin", "c1"."WomenKilledMax", "c1"."Sources", "c1"."ExternalId", "c1"."ImportId", "c1"."StageReason", "c1"."DuplicateOf", "c1"."ReopeningSuggested", "c0"."UserId", "c0"."ClaimId", "v"."Id", "v"."Rating", "v"."Rationale", "v"."KilledMin", "v"."KilledMax", "v"."InjuredMin", "v"."InjuredMax", "v"."CiviliansKilledMin", "v"."CiviliansKilledMax", "v"."ChildrenKilledMin", "v"."ChildrenKilledMax", "v"."WomenKilledMin", "v"."WomenKilledMax", "v"."AttributedTo", "v"."ProposedBy", "v"."ProposedAt", "v"."DecidedBy", "v"."DecidedAt", "c1"."c", "c1"."ReviewerId", "c1"."ReviewerEmail", "c1"."ReviewerSince"
        FROM (
            SELECT "c"."Id", "c"."Reference", "c"."Stage", "c"."Version", "c"."SubmittedBy", "c"."SubmittedAt", "c"."UpdatedAt", "c"."Title", "c"."Summary", "c"."ViolationTypeFlags", "c"."IncidentStart", "c"."IncidentEnd", "c"."TimePrecision", "c"."PlaceName", "c"."CountryCode", "c"."Admin1", "c"."Admin2", "c"."Latitude", "c"."Longitude", "c"."GeoPrecision", "c"."Perpetrators", "c"."KilledMin", "c"."KilledMax", "c"."InjuredMin", "c"."InjuredMax", "c"."CiviliansKilledMin", "c"."CiviliansKilledMax", "c"."ChildrenKilledMin", "c"."ChildrenKilledMax", "c"."WomenKilledMin", "c"."WomenKilledMax", "c"."Sources", "c"."ExternalId", "c"."ImportId", "c"."StageReason", "c"."DuplicateOf", "c"."ReopeningSuggested", "c"."ReviewerId" IS NULL AS "c", "c"."ReviewerId", "c"."ReviewerEmail", "c"."ReviewerSince", "c"."VerdictProposalId"
            FROM "Claims" AS "c"
            WHERE "c"."Id" = @id
            LIMIT 1
        ) AS "c1"
        LEFT JOIN "ClaimAssignments" AS "c0" ON "c1"."Id" = "c0"."ClaimId"
        LEFT JOIN "VerdictProposals" AS "v" ON "c1"."Id" = "v"."ClaimId" AND "c1"."VerdictProposalId" = "v"."Id"
        ORDER BY "c1"."Id", "c0"."ClaimId", "c0"."UserId"
        """;

    public const string SqliteListFirstPage = """
        SELECT "c1"."Id", "c1"."Reference", "c1"."Stage", "c1"."Version", "c1"."SubmittedBy", "c1"."SubmittedAt", "c1"."UpdatedAt", "c1"."Title", "c1"."Summary", "c1"."ViolationTypeFlags", "c1"."IncidentStart", "c1"."IncidentEnd", "c1"."TimePrecision", "c1"."PlaceName", "c1"."CountryCode", "c1"."Admin1", "c1"."Admin2", "c1"."Latitude", "c1"."Longitude", "c1"."GeoPrecision", "c1"."Perpetrators", "c1"."KilledMin", "c1"."KilledMax", "c1"."InjuredMin", "c1"."InjuredMax", "c1"."CiviliansKilledMin", "c1"."CiviliansKilledMax", "c1"."ChildrenKilledMin", "c1"."ChildrenKilledMax", "c1"."WomenKilledMin", "c1"."WomenKilledMax", "c1"."Sources", "c1"."ExternalId", "c1"."ImportId", "c1"."StageReason", "c1"."DuplicateOf", "c1"."ReopeningSuggested", "c0"."UserId", "c0"."ClaimId", "v"."Id", "v"."Rating", "v"."Rationale", "v"."KilledMin", "v"."KilledMax", "v"."InjuredMin", "v"."InjuredMax", "v"."CiviliansKilledMin", "v"."CiviliansKilledMax", "v"."ChildrenKilledMin", "v"."ChildrenKilledMax", "v"."WomenKilledMin", "v"."WomenKilledMax", "v"."AttributedTo", "v"."ProposedBy", "v"."ProposedAt", "v"."DecidedBy", "v"."DecidedAt", "c1"."c", "c1"."ReviewerId", "c1"."ReviewerEmail", "c1"."ReviewerSince"
        FROM (
            SELECT "c"."Id", "c"."Reference", "c"."Stage", "c"."Version", "c"."SubmittedBy", "c"."SubmittedAt", "c"."UpdatedAt", "c"."Title", "c"."Summary", "c"."ViolationTypeFlags", "c"."IncidentStart", "c"."IncidentEnd", "c"."TimePrecision", "c"."PlaceName", "c"."CountryCode", "c"."Admin1", "c"."Admin2", "c"."Latitude", "c"."Longitude", "c"."GeoPrecision", "c"."Perpetrators", "c"."KilledMin", "c"."KilledMax", "c"."InjuredMin", "c"."InjuredMax", "c"."CiviliansKilledMin", "c"."CiviliansKilledMax", "c"."ChildrenKilledMin", "c"."ChildrenKilledMax", "c"."WomenKilledMin", "c"."WomenKilledMax", "c"."Sources", "c"."ExternalId", "c"."ImportId", "c"."StageReason", "c"."DuplicateOf", "c"."ReopeningSuggested", "c"."ReviewerId" IS NULL AS "c", "c"."ReviewerId", "c"."ReviewerEmail", "c"."ReviewerSince", "c"."Number", "c"."VerdictProposalId"
            FROM "Claims" AS "c"
            ORDER BY "c"."Number" DESC
            LIMIT @p
        ) AS "c1"
        LEFT JOIN "ClaimAssignments" AS "c0" ON "c1"."Id" = "c0"."ClaimId"
        LEFT JOIN "VerdictProposals" AS "v" ON "c1"."Id" = "v"."ClaimId" AND "c1"."VerdictProposalId" = "v"."Id"
        ORDER BY "c1"."Number" DESC, "c1"."Id", "c0"."ClaimId", "c0"."UserId"
        """;

    public const string SqliteListAfterCursor = """
        SELECT "c1"."Id", "c1"."Reference", "c1"."Stage", "c1"."Version", "c1"."SubmittedBy", "c1"."SubmittedAt", "c1"."UpdatedAt", "c1"."Title", "c1"."Summary", "c1"."ViolationTypeFlags", "c1"."IncidentStart", "c1"."IncidentEnd", "c1"."TimePrecision", "c1"."PlaceName", "c1"."CountryCode", "c1"."Admin1", "c1"."Admin2", "c1"."Latitude", "c1"."Longitude", "c1"."GeoPrecision", "c1"."Perpetrators", "c1"."KilledMin", "c1"."KilledMax", "c1"."InjuredMin", "c1"."InjuredMax", "c1"."CiviliansKilledMin", "c1"."CiviliansKilledMax", "c1"."ChildrenKilledMin", "c1"."ChildrenKilledMax", "c1"."WomenKilledMin", "c1"."WomenKilledMax", "c1"."Sources", "c1"."ExternalId", "c1"."ImportId", "c1"."StageReason", "c1"."DuplicateOf", "c1"."ReopeningSuggested", "c0"."UserId", "c0"."ClaimId", "v"."Id", "v"."Rating", "v"."Rationale", "v"."KilledMin", "v"."KilledMax", "v"."InjuredMin", "v"."InjuredMax", "v"."CiviliansKilledMin", "v"."CiviliansKilledMax", "v"."ChildrenKilledMin", "v"."ChildrenKilledMax", "v"."WomenKilledMin", "v"."WomenKilledMax", "v"."AttributedTo", "v"."ProposedBy", "v"."ProposedAt", "v"."DecidedBy", "v"."DecidedAt", "c1"."c", "c1"."ReviewerId", "c1"."ReviewerEmail", "c1"."ReviewerSince"
        FROM (
            SELECT "c"."Id", "c"."Reference", "c"."Stage", "c"."Version", "c"."SubmittedBy", "c"."SubmittedAt", "c"."UpdatedAt", "c"."Title", "c"."Summary", "c"."ViolationTypeFlags", "c"."IncidentStart", "c"."IncidentEnd", "c"."TimePrecision", "c"."PlaceName", "c"."CountryCode", "c"."Admin1", "c"."Admin2", "c"."Latitude", "c"."Longitude", "c"."GeoPrecision", "c"."Perpetrators", "c"."KilledMin", "c"."KilledMax", "c"."InjuredMin", "c"."InjuredMax", "c"."CiviliansKilledMin", "c"."CiviliansKilledMax", "c"."ChildrenKilledMin", "c"."ChildrenKilledMax", "c"."WomenKilledMin", "c"."WomenKilledMax", "c"."Sources", "c"."ExternalId", "c"."ImportId", "c"."StageReason", "c"."DuplicateOf", "c"."ReopeningSuggested", "c"."ReviewerId" IS NULL AS "c", "c"."ReviewerId", "c"."ReviewerEmail", "c"."ReviewerSince", "c"."Number", "c"."VerdictProposalId"
            FROM "Claims" AS "c"
            WHERE "c"."Number" < @after
            ORDER BY "c"."Number" DESC
            LIMIT @p
        ) AS "c1"
        LEFT JOIN "ClaimAssignments" AS "c0" ON "c1"."Id" = "c0"."ClaimId"
        LEFT JOIN "VerdictProposals" AS "v" ON "c1"."Id" = "v"."ClaimId" AND "c1"."VerdictProposalId" = "v"."Id"
        ORDER BY "c1"."Number" DESC, "c1"."Id", "c0"."ClaimId", "c0"."UserId"
        """;

    public const string PostgreSqlReadOneClaim = """
        SELECT c1."Id", c1."Reference", c1."Stage", c1."Version", c1."SubmittedBy", c1."SubmittedAt", c1."UpdatedAt", c1."Title", c1."Summary", c1."ViolationTypeFlags", c1."IncidentStart", c1."IncidentEnd", c1."TimePrecision", c1."PlaceName", c1."CountryCode", c1."Admin1", c1."Admin2", c1."Latitude", c1."Longitude", c1."GeoPrecision", c1."Perpetrators", c1."KilledMin", c1."KilledMax", c1."InjuredMin", c1."InjuredMax", c1."CiviliansKilledMin", c1."CiviliansKilledMax", c1."ChildrenKilledMin", c1."ChildrenKilledMax", c1."WomenKilledMin", c1."WomenKilledMax", c1."Sources", c1."ExternalId", c1."ImportId", c1."StageReason", c1."DuplicateOf", c1."ReopeningSuggested", c0."UserId", c0."ClaimId", v."Id", v."Rating", v."Rationale", v."KilledMin", v."KilledMax", v."InjuredMin", v."InjuredMax", v."CiviliansKilledMin", v."CiviliansKilledMax", v."ChildrenKilledMin", v."ChildrenKilledMax", v."WomenKilledMin", v."WomenKilledMax", v."AttributedTo", v."ProposedBy", v."ProposedAt", v."DecidedBy", v."DecidedAt", c1.c, c1."ReviewerId", c1."ReviewerEmail", c1."ReviewerSince"
        FROM (
            SELECT c."Id", c."Reference", c."Stage", c."Version", c."SubmittedBy", c."SubmittedAt", c."UpdatedAt", c."Title", c."Summary", c."ViolationTypeFlags", c."IncidentStart", c."IncidentEnd", c."TimePrecision", c."PlaceName", c."CountryCode", c."Admin1", c."Admin2", c."Latitude", c."Longitude", c."GeoPrecision", c."Perpetrators", c."KilledMin", c."KilledMax", c."InjuredMin", c."InjuredMax", c."CiviliansKilledMin", c."CiviliansKilledMax", c."ChildrenKilledMin", c."ChildrenKilledMax", c."WomenKilledMin", c."WomenKilledMax", c."Sources", c."ExternalId", c."ImportId", c."StageReason", c."DuplicateOf", c."ReopeningSuggested", c."ReviewerId" IS NULL AS c, c."ReviewerId", c."ReviewerEmail", c."ReviewerSince", c."VerdictProposalId"
            FROM "Claims" AS c
            WHERE c."Id" = @id
            LIMIT 1
        ) AS c1
        LEFT JOIN "ClaimAssignments" AS c0 ON c1."Id" = c0."ClaimId"
        LEFT JOIN "VerdictProposals" AS v ON c1."Id" = v."ClaimId" AND c1."VerdictProposalId" = v."Id"
        ORDER BY c1."Id", c0."ClaimId", c0."UserId"
        """;

    public const string PostgreSqlListFirstPage = """
        SELECT c1."Id", c1."Reference", c1."Stage", c1."Version", c1."SubmittedBy", c1."SubmittedAt", c1."UpdatedAt", c1."Title", c1."Summary", c1."ViolationTypeFlags", c1."IncidentStart", c1."IncidentEnd", c1."TimePrecision", c1."PlaceName", c1."CountryCode", c1."Admin1", c1."Admin2", c1."Latitude", c1."Longitude", c1."GeoPrecision", c1."Perpetrators", c1."KilledMin", c1."KilledMax", c1."InjuredMin", c1."InjuredMax", c1."CiviliansKilledMin", c1."CiviliansKilledMax", c1."ChildrenKilledMin", c1."ChildrenKilledMax", c1."WomenKilledMin", c1."WomenKilledMax", c1."Sources", c1."ExternalId", c1."ImportId", c1."StageReason", c1."DuplicateOf", c1."ReopeningSuggested", c0."UserId", c0."ClaimId", v."Id", v."Rating", v."Rationale", v."KilledMin", v."KilledMax", v."InjuredMin", v."InjuredMax", v."CiviliansKilledMin", v."CiviliansKilledMax", v."ChildrenKilledMin", v."ChildrenKilledMax", v."WomenKilledMin", v."WomenKilledMax", v."AttributedTo", v."ProposedBy", v."ProposedAt", v."DecidedBy", v."DecidedAt", c1.c, c1."ReviewerId", c1."ReviewerEmail", c1."ReviewerSince"
        FROM (
            SELECT c."Id", c."Reference", c."Stage", c."Version", c."SubmittedBy", c."SubmittedAt", c."UpdatedAt", c."Title", c."Summary", c."ViolationTypeFlags", c."IncidentStart", c."IncidentEnd", c."TimePrecision", c."PlaceName", c."CountryCode", c."Admin1", c."Admin2", c."Latitude", c."Longitude", c."GeoPrecision", c."Perpetrators", c."KilledMin", c."KilledMax", c."InjuredMin", c."InjuredMax", c."CiviliansKilledMin", c."CiviliansKilledMax", c."ChildrenKilledMin", c."ChildrenKilledMax", c."WomenKilledMin", c."WomenKilledMax", c."Sources", c."ExternalId", c."ImportId", c."StageReason", c."DuplicateOf", c."ReopeningSuggested", c."ReviewerId" IS NULL AS c, c."ReviewerId", c."ReviewerEmail", c."ReviewerSince", c."Number", c."VerdictProposalId"
            FROM "Claims" AS c
            ORDER BY c."Number" DESC
            LIMIT @p
        ) AS c1
        LEFT JOIN "ClaimAssignments" AS c0 ON c1."Id" = c0."ClaimId"
        LEFT JOIN "VerdictProposals" AS v ON c1."Id" = v."ClaimId" AND c1."VerdictProposalId" = v."Id"
        ORDER BY c1."Number" DESC, c1."Id", c0."ClaimId", c0."UserId"
        """;

    public const string PostgreSqlListAfterCursor = """
        SELECT c1."Id", c1."Reference", c1."Stage", c1."Version", c1."SubmittedBy", c1."SubmittedAt", c1."UpdatedAt", c1."Title", c1."Summary", c1."ViolationTypeFlags", c1."IncidentStart", c1."IncidentEnd", c1."TimePrecision", c1."PlaceName", c1."CountryCode", c1."Admin1", c1."Admin2", c1."Latitude", c1."Longitude", c1."GeoPrecision", c1."Perpetrators", c1."KilledMin", c1."KilledMax", c1."InjuredMin", c1."InjuredMax", c1."CiviliansKilledMin", c1."CiviliansKilledMax", c1."ChildrenKilledMin", c1."ChildrenKilledMax", c1."WomenKilledMin", c1."WomenKilledMax", c1."Sources", c1."ExternalId", c1."ImportId", c1."StageReason", c1."DuplicateOf", c1."ReopeningSuggested", c0."UserId", c0."ClaimId", v."Id", v."Rating", v."Rationale", v."KilledMin", v."KilledMax", v."InjuredMin", v."InjuredMax", v."CiviliansKilledMin", v."CiviliansKilledMax", v."ChildrenKilledMin", v."ChildrenKilledMax", v."WomenKilledMin", v."WomenKilledMax", v."AttributedTo", v."ProposedBy", v."ProposedAt", v."DecidedBy", v."DecidedAt", c1.c, c1."ReviewerId", c1."ReviewerEmail", c1."ReviewerSince"
        FROM (
            SELECT c."Id", c."Reference", c."Stage", c."Version", c."SubmittedBy", c."SubmittedAt", c."UpdatedAt", c."Title", c."Summary", c."ViolationTypeFlags", c."IncidentStart", c."IncidentEnd", c."TimePrecision", c."PlaceName", c."CountryCode", c."Admin1", c."Admin2", c."Latitude", c."Longitude", c."GeoPrecision", c."Perpetrators", c."KilledMin", c."KilledMax", c."InjuredMin", c."InjuredMax", c."CiviliansKilledMin", c."CiviliansKilledMax", c."ChildrenKilledMin", c."ChildrenKilledMax", c."WomenKilledMin", c."WomenKilledMax", c."Sources", c."ExternalId", c."ImportId", c."StageReason", c."DuplicateOf", c."ReopeningSuggested", c."ReviewerId" IS NULL AS c, c."ReviewerId", c."ReviewerEmail", c."ReviewerSince", c."Number", c."VerdictProposalId"
            FROM "Claims" AS c
            WHERE c."Number" < @after
            ORDER BY c."Number" DESC
            LIMIT @p
        ) AS c1
        LEFT JOIN "ClaimAssignments" AS c0 ON c1."Id" = c0."ClaimId"
        LEFT JOIN "VerdictProposals" AS v ON c1."Id" = v."ClaimId" AND c1."VerdictProposalId" = v."Id"
        ORDER BY c1."Number" DESC, c1."Id", c0."ClaimId", c0."UserId"
        """;

    // ---- The partner page: PartnerClaimReader.PageAsync (ListPartnerClaims) without filters or cursor ----

    public const string SqlitePartnerFirstPage = """
        SELECT "s"."Id", "s"."Number", "s"."Version", "s"."Reference", "s"."UpdatedAt", "s"."Title", "s"."Summary", "s"."ViolationTypeFlags", "s"."IncidentStart", "s"."IncidentEnd", "s"."TimePrecision", "s"."PlaceName", "s"."CountryCode", "s"."Admin1", "s"."Admin2", "s"."Latitude", "s"."Longitude", "s"."GeoPrecision", "s"."Perpetrators", "s"."Sources", "s"."Rating", "s"."Rationale", "s"."AttributedTo", "s"."DecidedAt", "s"."KilledMin", "s"."KilledMax", "s"."InjuredMin", "s"."InjuredMax", "s"."CiviliansKilledMin", "s"."CiviliansKilledMax", "s"."ChildrenKilledMin", "s"."ChildrenKilledMax", "s"."WomenKilledMin", "s"."WomenKilledMax", "s"."Id0", "e0"."Id", "e0"."Kind", "e0"."Sha256", "e0"."Stance", "e0"."ReviewStatus", "e0"."SourceReliability", "e0"."InformationCredibility", "e0"."ReviewedAt"
        FROM (
            SELECT "c"."Id", "c"."Number", "c"."Version", "c"."Reference", "c"."UpdatedAt", "c"."Title", "c"."Summary", "c"."ViolationTypeFlags", "c"."IncidentStart", "c"."IncidentEnd", "c"."TimePrecision", "c"."PlaceName", "c"."CountryCode", "c"."Admin1", "c"."Admin2", "c"."Latitude", "c"."Longitude", "c"."GeoPrecision", "c"."Perpetrators", "c"."Sources", "v"."Rating", "v"."Rationale", "v"."AttributedTo", "v"."DecidedAt", "v"."KilledMin", "v"."KilledMax", "v"."InjuredMin", "v"."InjuredMax", "v"."CiviliansKilledMin", "v"."CiviliansKilledMax", "v"."ChildrenKilledMin", "v"."ChildrenKilledMax", "v"."WomenKilledMin", "v"."WomenKilledMax", "v"."Id" AS "Id0"
            FROM "Claims" AS "c"
            INNER JOIN "VerdictProposals" AS "v" ON "c"."VerdictProposalId" = "v"."Id"
            WHERE "c"."Stage" = 'Decided'
            ORDER BY "c"."UpdatedAt", "c"."Number"
            LIMIT @p
        ) AS "s"
        LEFT JOIN (
            SELECT "e"."Id", "e"."Kind", "e"."Sha256", "e"."Stance", "e"."ReviewStatus", "e"."SourceReliability", "e"."InformationCredibility", "e"."ReviewedAt", "e"."SubmittedAt", "e"."ClaimId"
            FROM "Evidence" AS "e"
            WHERE "e"."ReviewStatus" = 'Accepted'
        ) AS "e0" ON "s"."Id" = "e0"."ClaimId"
        ORDER BY "s"."UpdatedAt", "s"."Number", "s"."Id", "s"."Id0", "e0"."SubmittedAt"
        """;

    public const string PostgreSqlPartnerFirstPage = """
        SELECT s."Id", s."Number", s."Version", s."Reference", s."UpdatedAt", s."Title", s."Summary", s."ViolationTypeFlags", s."IncidentStart", s."IncidentEnd", s."TimePrecision", s."PlaceName", s."CountryCode", s."Admin1", s."Admin2", s."Latitude", s."Longitude", s."GeoPrecision", s."Perpetrators", s."Sources", s."Rating", s."Rationale", s."AttributedTo", s."DecidedAt", s."KilledMin", s."KilledMax", s."InjuredMin", s."InjuredMax", s."CiviliansKilledMin", s."CiviliansKilledMax", s."ChildrenKilledMin", s."ChildrenKilledMax", s."WomenKilledMin", s."WomenKilledMax", s."Id0", e0."Id", e0."Kind", e0."Sha256", e0."Stance", e0."ReviewStatus", e0."SourceReliability", e0."InformationCredibility", e0."ReviewedAt"
        FROM (
            SELECT c."Id", c."Number", c."Version", c."Reference", c."UpdatedAt", c."Title", c."Summary", c."ViolationTypeFlags", c."IncidentStart", c."IncidentEnd", c."TimePrecision", c."PlaceName", c."CountryCode", c."Admin1", c."Admin2", c."Latitude", c."Longitude", c."GeoPrecision", c."Perpetrators", c."Sources", v."Rating", v."Rationale", v."AttributedTo", v."DecidedAt", v."KilledMin", v."KilledMax", v."InjuredMin", v."InjuredMax", v."CiviliansKilledMin", v."CiviliansKilledMax", v."ChildrenKilledMin", v."ChildrenKilledMax", v."WomenKilledMin", v."WomenKilledMax", v."Id" AS "Id0"
            FROM "Claims" AS c
            INNER JOIN "VerdictProposals" AS v ON c."VerdictProposalId" = v."Id"
            WHERE c."Stage" = 'Decided'
            ORDER BY c."UpdatedAt", c."Number"
            LIMIT @p
        ) AS s
        LEFT JOIN (
            SELECT e."Id", e."Kind", e."Sha256", e."Stance", e."ReviewStatus", e."SourceReliability", e."InformationCredibility", e."ReviewedAt", e."SubmittedAt", e."ClaimId"
            FROM "Evidence" AS e
            WHERE e."ReviewStatus" = 'Accepted'
        ) AS e0 ON s."Id" = e0."ClaimId"
        ORDER BY s."UpdatedAt", s."Number", s."Id", s."Id0", e0."SubmittedAt"
        """;
}
