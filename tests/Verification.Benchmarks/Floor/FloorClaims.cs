using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Partners;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Integrity;
using Verification.Domain.Audit;
using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Domain.Evidence;
using Verification.Domain.Partners;
using Verification.Domain.Verdicts;
using Verification.Persistence;
using Verification.Persistence.Search;

namespace Verification.Benchmarks.Floor;

/// <summary>
/// The floor's data access: the API's statements (<see cref="FloorSql"/>) with plain ADO.NET, rows mapped by hand
/// into the API's own response records so that both hosts send the same JSON.
/// </summary>
public sealed class FloorClaims(DatabaseProvider provider, string connectionString) : IAsyncDisposable
{
    // The JSON text columns (perpetrators, sources, attributions) are written as the API's JsonColumn writes them.
    private static readonly JsonSerializerOptions ColumnJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly NpgsqlDataSource? _postgres = provider == DatabaseProvider.PostgreSql ? NpgsqlDataSource.Create(connectionString) : null;

    public async Task<ClaimResponse?> ReadAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = FloorSql.ReadOneClaim(provider);
        Add(command, "@id", Key(id));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var claims = await ReadClaimsAsync(reader, ct);
        return claims.Count > 0 ? claims[0] : null;
    }

    public async Task<Page<ClaimResponse>> ListAsync(int limit, long? after, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = after is null ? FloorSql.ListFirstPage(provider) : FloorSql.ListAfterCursor(provider);
        if (after is { } position)
            Add(command, "@after", position);
        Add(command, "@p", limit + 1);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = await ReadClaimsAsync(reader, ct);
        if (rows.Count <= limit)
            return new Page<ClaimResponse>(rows, null);
        var items = rows.GetRange(0, limit);
        Claim.TryParseReference(items[^1].Reference, out var last);
        return new Page<ClaimResponse>(items, Paging.Encode(last.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// The first partner page, shaped as PartnerClaimReader shapes it: one row per claim and accepted evidence item
    /// (LEFT JOIN), the items the verdict rests on (reviewed by the time it was decided), coordinates as recorded for a
    /// Restricted partner (the benchmark's) and rounded to one decimal for a Public one.
    /// </summary>
    public async Task<Page<PartnerClaim>> PartnerPageAsync(int limit, SharingLevel level, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = FloorSql.PartnerFirstPage(provider);
        Add(command, "@p", limit + 1);
        await using var r = await command.ExecuteReaderAsync(ct);
        var rows = new List<(PartnerClaim Claim, long Number)>();
        List<PartnerEvidence>? evidence = null;
        var decidedAt = default(DateTime);
        while (await r.ReadAsync(ct))
        {
            var id = r.GetGuid(0);
            if (rows.Count == 0 || rows[^1].Claim.Id != id)
            {
                var updatedAt = Utc(r.GetDateTime(4));
                decidedAt = r.IsDBNull(23) ? updatedAt : Utc(r.GetDateTime(23));
                evidence = [];
                var claim = new PartnerClaim(
                    id, r.GetString(3), updatedAt, r.GetString(5), r.GetString(6), ClaimProjection.ViolationTypesOf(r.GetInt32(7)),
                    new PartnerIncident(r.GetFieldValue<DateOnly>(8), r.GetFieldValue<DateOnly>(9), Enum.Parse<TimePrecision>(r.GetString(10)),
                        new PartnerLocation(r.GetString(11), r.GetString(12), Text(r, 13), Text(r, 14),
                            Coordinate(Number(r, 15), level), Coordinate(Number(r, 16), level), Enum.Parse<GeoPrecision>(r.GetString(17)))),
                    [.. JsonSerializer.Deserialize<List<Perpetrator>>(r.GetString(18), ColumnJson)!.Select(p => new PartnerPerpetrator(p.Name, p.Type))],
                    new PartnerHarm(Int(r, 24), Int(r, 25), Int(r, 26), Int(r, 27), Int(r, 28), Int(r, 29), Int(r, 30), Int(r, 31), Int(r, 32), Int(r, 33)),
                    new PartnerVerdict(Enum.Parse<VerdictRating>(r.GetString(20)), r.GetString(21),
                        JsonSerializer.Deserialize<List<string>>(r.GetString(22), ColumnJson)!, decidedAt),
                    [.. JsonSerializer.Deserialize<List<Source>>(r.GetString(19), ColumnJson)!.Select(s => new PartnerSource(s.Type, s.Description, s.Url))],
                    evidence)
                {
                    Version = r.GetInt64(2),
                };
                rows.Add((claim, r.GetInt64(1)));
            }
            if (!r.IsDBNull(35) && !r.IsDBNull(42) && Utc(r.GetDateTime(42)) <= decidedAt)
            {
                evidence!.Add(new PartnerEvidence(r.GetGuid(35), Enum.Parse<EvidenceKind>(r.GetString(36)), r.GetString(37),
                    Enum.Parse<EvidenceStance>(r.GetString(38)), Enum.Parse<ReviewStatus>(r.GetString(39)),
                    r.IsDBNull(40) ? null : Enum.Parse<SourceReliability>(r.GetString(40)), Int(r, 41)));
            }
        }
        var items = rows.Take(limit).Select(row => row.Claim).ToList();
        var next = rows.Count > limit ? PartnerCursor.Encode(rows[limit - 1].Claim.UpdatedAt, rows[limit - 1].Number) : null;
        return new Page<PartnerClaim>(items, next);
    }

    private static double? Coordinate(double? value, SharingLevel level) =>
        value is { } v && level == SharingLevel.Public ? Math.Round(v, 1, MidpointRounding.AwayFromZero) : value;

    /// <summary>
    /// The inserts of a submission in one transaction: the claim number, the claim, its first history event, the
    /// audit entry after the chain head (under PostgreSQL's advisory lock) and the claim's stored document (the read
    /// side, docs/decisions/0014), as the API's handler, audit behaviour and projection do. The input is taken as sent:
    /// the floor validates nothing. Without the document, the API's list would build every claim the floor submitted
    /// (the warm-up submits on both hosts) from the write side on each read.
    /// </summary>
    public async Task<ClaimResponse> SubmitAsync(ClaimInput input, Guid submitter, string changeDigest, CancellationToken ct)
    {
        // To the microsecond, as PostgreSQL keeps it: the stored document says what a read of the row says.
        var ticks = DateTime.UtcNow.Ticks;
        var now = new DateTime(ticks - ticks % 10, DateTimeKind.Utc);
        var types = (input.ViolationTypes ?? []).Distinct().Order().ToArray();
        var flags = types.Aggregate(0, (f, t) => f | Claim.Flag(t));
        var incident = input.Incident!;
        var place = incident.Location!;
        var location = new Location(place.PlaceName!.Trim(), place.CountryCode!.Trim().ToUpperInvariant(), place.Admin1, place.Admin2,
            place.Latitude, place.Longitude, place.GeoPrecision!.Value);
        var perpetrators = (input.Perpetrators ?? []).Select(p => new Perpetrator(p.Name!.Trim(), p.Type!.Value)).ToArray();
        var sources = (input.Sources ?? []).Select(s => new Source(s.Type!.Value, s.Description?.Trim(), s.Url?.Trim())).ToArray();
        var harm = input.Harm ?? Harm.Unknown;
        var start = incident.StartDate!.Value;
        var end = incident.EndDate ?? start;
        var id = Guid.CreateVersion7();
        // The domain's value of the input, for the record state and the search text (the API's own mapping).
        var details = input.ToDetails(DateOnly.FromDateTime(now).AddDays(1));

        await using var connection = await OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        long number;
        await using (var command = Command(connection, transaction, FloorSql.InsertClaimNumber))
        {
            Add(command, "@p0", now);
            number = Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }
        var reference = Claim.FormatReference(now.Year, number);

        // EF Core sends the claim and its event as one batch on PostgreSQL and one statement at a time on SQLite.
        var claimCommand = Command(connection, transaction, provider == DatabaseProvider.PostgreSql
            ? FloorSql.InsertClaim + "\n" + FloorSql.InsertClaimEvent
            : FloorSql.InsertClaim);
        await using (claimCommand)
        {
            object?[] values =
            [
                Key(id), null, null, false, null, number, JsonSerializer.Serialize(perpetrators, ColumnJson), reference, false,
                JsonSerializer.Serialize(sources, ColumnJson), nameof(ClaimStage.Submitted), null, now, Key(submitter),
                input.Summary!.Trim(), input.Title!.Trim(), now, null, 1L, flags,
                harm.ChildrenKilledMax, harm.ChildrenKilledMin, harm.CiviliansKilledMax, harm.CiviliansKilledMin, harm.InjuredMax, harm.InjuredMin,
                harm.KilledMax, harm.KilledMin, harm.WomenKilledMax, harm.WomenKilledMin,
                end, start, incident.TimePrecision!.Value.ToString(), location.Admin1, location.Admin2, location.CountryCode,
                location.GeoPrecision.ToString(), location.Latitude, location.Longitude, location.PlaceName,
            ];
            for (var i = 0; i < values.Length; i++)
                Add(claimCommand, "@p" + i.ToString(CultureInfo.InvariantCulture), values[i]);
            if (provider == DatabaseProvider.PostgreSql)
                AddEvent(claimCommand, id, submitter, now, reference);
            await claimCommand.ExecuteNonQueryAsync(ct);
        }
        if (provider == DatabaseProvider.Sqlite)
        {
            await using var eventCommand = Command(connection, transaction, FloorSql.InsertClaimEvent);
            AddEvent(eventCommand, id, submitter, now, reference);
            await eventCommand.ExecuteNonQueryAsync(ct);
        }

        if (provider == DatabaseProvider.PostgreSql)
        {
            await using var lockCommand = Command(connection, transaction, FloorSql.PostgreSqlAuditLock);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }
        long sequence = 0;
        var previous = AuditEntry.GenesisHash;
        await using (var head = Command(connection, transaction, FloorSql.AuditHead))
        await using (var reader = await head.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                sequence = reader.GetInt64(0);
                previous = reader.GetString(1);
            }
        }
        // The record state of the new claim and the search text, from the domain's own object and code (RecordStates,
        // ClaimSearchDocument), as the API's audit behaviour and search projection compute them.
        var submitted = Claim.Submit(id, number, submitter, now, details, null);
        var state = RecordStates.DigestOf(submitted);
        var entry = AuditEntry.Append(sequence, previous, now, $"user:{submitter}", "SubmitClaim", id.ToString(), changeDigest,
            AuditRecordState.DigestOf([(AuditRecordState.Claim, id, state)]));
        var search = ClaimSearchDocument.For(submitted, []);
        var claim = new ClaimResponse(id, reference, ClaimStage.Submitted, 1, submitter, now, now, input.Title!.Trim(), input.Summary!.Trim(), types,
            new IncidentResponse(start, end, incident.TimePrecision!.Value, location), perpetrators, harm, sources,
            null, null, null, null, false, [], null, null, ClaimProjection.Deadlines.DueAt(ClaimStage.Submitted, now, now));

        // EF Core sends the audit entry, its record state, the document and the search text as one batch on PostgreSQL and
        // one statement at a time on SQLite.
        var rows = new List<(string Sql, object?[] Values, string Prefix)>
        {
            (FloorSql.InsertAuditEntry, [entry.Sequence, entry.Action, entry.Actor, entry.At, entry.ChangeDigest, entry.Hash, Key(entry.Id), entry.PreviousHash, entry.RecordsDigest, entry.TargetId], "@p"),
            (FloorSql.InsertAuditRecordState, [Key(id), AuditRecordState.Claim, entry.Sequence, state], "@r"),
            (FloorSql.InsertClaimDocument, [Key(id), null, null, JsonSerializer.SerializeToUtf8Bytes(claim, DocumentJson), now, 1L], "@d"),
            (FloorSql.InsertClaimSearch, [Key(id), search.Evidence, search.Names, search.Number, search.Perpetrators, search.Sources, search.Summary, search.Title, search.Version], "@s"),
        };
        if (provider == DatabaseProvider.PostgreSql)
        {
            await using var batch = Command(connection, transaction, string.Join("\n", rows.Select(r => r.Sql)));
            foreach (var (_, values, prefix) in rows)
                AddAll(batch, prefix, values);
            await batch.ExecuteNonQueryAsync(ct);
        }
        else
        {
            foreach (var (sql, values, prefix) in rows)
            {
                await using var insert = Command(connection, transaction, sql);
                AddAll(insert, prefix, values);
                await insert.ExecuteNonQueryAsync(ct);
            }
        }
        await transaction.CommitAsync(ct);
        return claim;
    }

    private void AddAll(DbCommand command, string prefix, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            Add(command, prefix + i.ToString(CultureInfo.InvariantCulture), values[i]);
    }

    /// <summary>The host's JSON options (the API's), for the stored document of a submission.</summary>
    public JsonSerializerOptions DocumentJson { get; set; } = JsonSerializerOptions.Web;

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
            await _postgres.DisposeAsync();
    }

    private void AddEvent(DbCommand command, Guid claimId, Guid actor, DateTime at, string reference)
    {
        Add(command, "@p40", Key(Guid.CreateVersion7()));
        Add(command, "@p41", "Submitted");
        Add(command, "@p42", Key(actor));
        Add(command, "@p43", at);
        Add(command, "@p44", Key(claimId));
        Add(command, "@p45", reference);
    }

    /// <summary>
    /// Rows as the projection's SQL returns them: one per claim and assignment (LEFT JOIN), the verdict columns
    /// on each. The column order is the SELECT list of <see cref="FloorSql"/>.
    /// </summary>
    private static async Task<List<ClaimResponse>> ReadClaimsAsync(DbDataReader r, CancellationToken ct)
    {
        var claims = new List<ClaimResponse>();
        ClaimResponse? current = null;
        List<Guid>? assigned = null;
        while (await r.ReadAsync(ct))
        {
            var id = r.GetGuid(0);
            if (current is null || current.Id != id)
            {
                if (current is not null)
                    claims.Add(current with { AssignedTo = assigned! });
                assigned = [];
                current = new ClaimResponse(
                    id, r.GetString(1), Enum.Parse<ClaimStage>(r.GetString(2)), r.GetInt64(3), r.GetGuid(4), Utc(r.GetDateTime(5)), Utc(r.GetDateTime(6)),
                    r.GetString(7), r.GetString(8), ClaimProjection.ViolationTypesOf(r.GetInt32(9)),
                    new IncidentResponse(r.GetFieldValue<DateOnly>(10), r.GetFieldValue<DateOnly>(11), Enum.Parse<TimePrecision>(r.GetString(12)),
                        new Location(r.GetString(13), r.GetString(14), Text(r, 15), Text(r, 16), Number(r, 17), Number(r, 18), Enum.Parse<GeoPrecision>(r.GetString(19)))),
                    JsonSerializer.Deserialize<List<Perpetrator>>(r.GetString(20), ColumnJson)!,
                    ReadHarm(r, 21),
                    JsonSerializer.Deserialize<List<Source>>(r.GetString(31), ColumnJson)!,
                    Text(r, 32), Key(r, 33), Text(r, 34), Key(r, 35), r.GetBoolean(36), [],
                    r.IsDBNull(39) ? null : new VerdictResponse(r.GetGuid(39), Enum.Parse<VerdictRating>(r.GetString(40)), r.GetString(41), ReadHarm(r, 42),
                        JsonSerializer.Deserialize<List<string>>(r.GetString(52), ColumnJson)!, r.GetGuid(53), Utc(r.GetDateTime(54)),
                        Key(r, 55), r.IsDBNull(56) ? null : Utc(r.GetDateTime(56))),
                    // The reviewer (57 is EF's "ReviewerId IS NULL") and the queue deadline, as ClaimProjection computes it.
                    r.GetBoolean(57) ? null : new ClaimReviewerResponse(r.GetGuid(58), Text(r, 59), Utc(r.GetDateTime(60))),
                    ClaimProjection.Deadlines.DueAt(Enum.Parse<ClaimStage>(r.GetString(2)), Utc(r.GetDateTime(5)), Utc(r.GetDateTime(6))));
            }
            if (!r.IsDBNull(37))
                assigned!.Add(r.GetGuid(37));
        }
        if (current is not null)
            claims.Add(current with { AssignedTo = assigned! });
        return claims;
    }

    private static Harm ReadHarm(DbDataReader r, int first) => new(
        Int(r, first), Int(r, first + 1), Int(r, first + 2), Int(r, first + 3), Int(r, first + 4),
        Int(r, first + 5), Int(r, first + 6), Int(r, first + 7), Int(r, first + 8), Int(r, first + 9));

    private static int? Int(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
    private static double? Number(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static Guid? Key(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetGuid(i);
    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    /// <summary>EF Core stores a Guid in SQLite as upper-case text (plain ADO.NET would bind a blob).</summary>
    private object Key(Guid id) => provider == DatabaseProvider.Sqlite ? id.ToString().ToUpperInvariant() : id;

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (_postgres is not null)
            return await _postgres.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
