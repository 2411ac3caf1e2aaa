using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Mediator;
using Verification.Api.Features.Partners;
using Verification.Api.Infrastructure.Integrity;
using Verification.Api.Infrastructure.Keys;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Audit;

/// <summary>
/// Signs the Merkle root of the audit chain as it is now (API.md, Integrity): on demand (<c>POST /audit/heads</c>) and
/// every few minutes by a recurring job when the chain grew. The chain is verified first, against every head signed
/// before, so a head never blesses history that was changed. The head goes to the heads file in the keys folder
/// first, then to the table, with one <c>audit.head</c> webhook per subscribed partner, so copies exist outside the
/// database. Not audited: the head is its own record, and an entry for it would make every head stale at once.
/// </summary>
public static class SignTreeHead
{
    /// <param name="OnlyWhenGrown">The recurring job's form: nothing when no entry was added since the newest head, and a broken chain is logged, not thrown.</param>
    public sealed record Command(bool OnlyWhenGrown = false) : ICommand<Result>, IOwnsTransactions;

    public sealed record Result(SignedTreeHead? Head);

    internal sealed class Handler(VerificationDb db, AuditVerifier verifier, IInstanceSigner signer, TreeHeadsFile headsFile, ITreeHeads heads,
        ITimestampAuthority timestamps, WebhookOutbox outbox, TimeProvider clock, ILogger<Handler> logger)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var latest = await heads.LatestAsync(cancellationToken);
            var verification = await verifier.VerifyAsync(records: false, cancellationToken);
            if (!verification.Valid)
            {
                const string why = "The audit chain fails verification (GET /api/v1/audit/verify); no head is signed over changed history.";
                if (command.OnlyWhenGrown)
                {
                    logger.LogError("No tree head signed: {Reason}", why);
                    return new Result(null);
                }
                throw new RuleNotSatisfied("Audit chain broken", why);
            }
            if (command.OnlyWhenGrown && latest is not null && latest.TreeSize >= verification.TreeSize)
                return new Result(null);

            var now = clock.GetUtcNow().UtcDateTime;
            var timestamp = now.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            var root = Convert.ToHexStringLower(verification.Root);
            var signature = signer.Sign(Encoding.UTF8.GetBytes(SignedTreeHead.SignedText(verification.TreeSize, root, timestamp)));
            string? token = null;
            if (timestamps.IsConfigured)
                token = Convert.ToBase64String(await timestamps.TimestampAsync(SHA256.HashData(signature), cancellationToken));
            var head = new SignedTreeHead(verification.TreeSize, root, timestamp, signer.KeyId, Convert.ToBase64String(signature), token);

            // The file first: a head the table lost is still in the file, never the other way round.
            headsFile.Append(head);
            var record = new TreeHeadRecord(head.TreeSize, head.RootHash, head.Timestamp, head.KeyId, head.Signature, head.TimestampToken);
            db.SignedTreeHeads.Add(record);
            await outbox.TreeHeadSignedAsync(record.Id, head.TreeSize, now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return new Result(head);
        }
    }
}
