using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Notifications;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Notifications;
using Verification.Persistence;

namespace Verification.Api.Features.Comments;

public sealed record CommentResponse(Guid Id, Guid ClaimId, Guid Author, string Text, IReadOnlyList<string> Mentions, DateTime At);

/// <summary>
/// A staff note on a claim, by anyone who can see it (the authorization behaviour hides the claim from everyone
/// else). The audit entry holds the digest of the command, never its text.
/// </summary>
public static class AddComment
{
    public sealed record Command(Guid ClaimId, string? Text) : ICommand<Result>, IClaimCommand;

    public sealed record Result(CommentResponse Comment) : IAuditTarget
    {
        public string AuditTargetId => Comment.ClaimId.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Text).NotEmpty().MaximumLength(ClaimComment.TextMaxLength);
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock, Notifier notifier) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var utc = clock.GetUtcNow().UtcDateTime;
            // Whole microseconds, the precision every provider stores, so the answer matches a later read.
            var now = new DateTime(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);
            var comment = ClaimComment.Write(Guid.CreateVersion7(), command.ClaimId, user.Id, command.Text, now);
            db.ClaimComments.Add(comment);
            await db.SaveChangesAsync(cancellationToken);
            if (comment.Mentions.Count > 0)
            {
                // Mentions name people by email; only existing staff who can see the claim are told, and never the text.
                var normalized = comment.Mentions.Select(m => m.ToUpperInvariant()).ToList();
                var mentioned = await db.Users.Where(u => u.NormalizedEmail != null && normalized.Contains(u.NormalizedEmail))
                    .Select(u => u.Id).ToListAsync(cancellationToken);
                var reference = await db.Claims.Where(c => c.Id == comment.ClaimId).Select(c => c.Reference).SingleAsync(cancellationToken);
                var author = await db.Users.Where(u => u.Id == comment.AuthorId).Select(u => u.Email).SingleOrDefaultAsync(cancellationToken);
                await notifier.NotifyAsync(mentioned, NotificationKind.Mentioned, comment.ClaimId,
                    $"{author ?? "A colleague"} mentioned you in a comment on claim {reference}.", cancellationToken);
            }
            return new Result(new CommentResponse(comment.Id, comment.ClaimId, comment.AuthorId, comment.Text, comment.Mentions, comment.At));
        }
    }
}
