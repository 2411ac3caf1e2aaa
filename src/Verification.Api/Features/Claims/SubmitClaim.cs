using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

public static class SubmitClaim
{
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);

    public sealed record Command(ClaimInput Body, string? IdempotencyKey) : ICommand<Result>;

    /// <summary>The created claim, or the stored first answer when this is a replay of the same submission.</summary>
    public sealed record Result(Guid ClaimId, long Version, string ResponseJson, bool Replayed) : IAuditTarget, IMaybeUnchanged
    {
        public string AuditTargetId => ClaimId.ToString();
        public bool Unchanged => Replayed;
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Body).NotNull().SetValidator(new ClaimInputValidator());
            RuleFor(c => c.IdempotencyKey).MaximumLength(200)
                .Matches("^[\\x21-\\x7E]+$").WithMessage("An Idempotency-Key is printable ASCII without spaces.")
                .When(c => c.IdempotencyKey is not null);
        }
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock, IOptions<JsonOptions> json)
        : ICommandHandler<Command, Result>
    {
        // The answer is built from the claim just saved instead of being read back: it is the same data, and on SQLite
        // the read would run inside the write transaction, holding the database's one write lock for another query.
        private static readonly Func<Claim, ClaimResponse> ToResponse = ClaimProjection.ToResponse.Compile();

        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            // Whole microseconds, the precision every provider stores, so the answer shows the time a later read will show.
            var utc = clock.GetUtcNow().UtcDateTime;
            var now = new DateTime(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);
            var requestHash = command.IdempotencyKey is null ? null
                : Hashing.Sha256Hex(JsonSerializer.SerializeToUtf8Bytes(command.Body, json.Value.SerializerOptions));
            if (command.IdempotencyKey is { } key)
            {
                var earlier = await db.IdempotencyRecords.AsNoTracking()
                    .FirstOrDefaultAsync(r => r.UserId == user.Id && r.Key == key && r.ExpiresAt > now, cancellationToken);
                if (earlier is not null)
                {
                    if (earlier.RequestHash != requestHash)
                        throw new IdempotencyKeyReused();
                    var first = JsonSerializer.Deserialize<ClaimResponse>(earlier.ResponseBody, json.Value.SerializerOptions)!;
                    return new Result(earlier.ResourceId, first.Version, earlier.ResponseBody, Replayed: true);
                }
            }

            var details = command.Body.ToDetails(clock.LatestToday());
            var externalId = command.Body.ExternalId?.Trim();
            if (!string.IsNullOrEmpty(externalId) && await db.Claims.AnyAsync(c => c.ExternalId == externalId, cancellationToken))
                throw new AlreadyExists("External id exists", $"A claim with externalId '{externalId}' already exists.");

            var number = await IssueNumberAsync(db, now, cancellationToken);

            // Saved with its audit entry, in the audit trail's flush: one round of inserts fewer.
            var claim = Claim.Submit(Guid.CreateVersion7(), number, user.Id, now, details, externalId);
            db.Claims.Add(claim);

            var response = ToResponse(claim);
            var body = JsonSerializer.Serialize(response, json.Value.SerializerOptions);
            if (command.IdempotencyKey is { } newKey)
            {
                // A stale record for this key (expired but not yet swept) gives way to the new one.
                await db.IdempotencyRecords.Where(r => r.UserId == user.Id && r.Key == newKey).ExecuteDeleteAsync(cancellationToken);
                db.IdempotencyRecords.Add(new IdempotencyRecord
                {
                    UserId = user.Id,
                    Key = newKey,
                    RequestHash = requestHash!,
                    ResourceId = claim.Id,
                    ResponseBody = body,
                    CreatedAt = now,
                    ExpiresAt = now + IdempotencyWindow,
                });
            }
            return new Result(claim.Id, claim.Version, body, Replayed: false);
        }
    }

    /// <summary>
    /// The claim number: one <c>INSERT ... RETURNING</c> as a <see cref="PlainSqlCommand"/> on SQLite and PostgreSQL (on
    /// SQLite it runs inside the writer gate, where a tracked save adds change tracking and command building to the
    /// statement); SQL Server through the change tracker. Without EF Core's automatic savepoint: a failure here fails the
    /// whole submission (and its transaction), so a SAVEPOINT and a RELEASE would be two more round trips for nothing.
    /// </summary>
    private static async Task<long> IssueNumberAsync(VerificationDb db, DateTime now, CancellationToken cancellationToken)
    {
        if (db.Provider is DatabaseProvider.Sqlite or DatabaseProvider.PostgreSql)
        {
            // The value is bound as EF Core binds a DateTime on this provider, so the row is stored as a tracked save stores it.
            await using var result = await PlainSqlCommand.ExecuteReaderAsync(db,
                """INSERT INTO "ClaimNumbers" ("IssuedAt") VALUES ({issuedAt}) RETURNING "Id" """, cancellationToken, ("issuedAt", now));
            if (!await result.ReadAsync(cancellationToken))
                throw new InvalidOperationException("The claim number's INSERT returned no row.");
            return result.DbDataReader.GetInt64(0);
        }
        var number = new ClaimNumber { IssuedAt = now };
        db.ClaimNumbers.Add(number);
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
        }
        return number.Id;
    }
}
