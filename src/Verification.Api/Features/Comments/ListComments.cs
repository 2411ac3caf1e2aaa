using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Claims;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.Comments;

/// <summary>A claim's staff notes, oldest first, for whoever can see the claim.</summary>
public static class ListComments
{
    public sealed record Query(Guid ClaimId, int Limit, string? Cursor) : IQuery<Page<CommentResponse>>, IClaimQuery, IPagedQuery;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.PagedBy(c => TimelinePaging.TryParse(c, out _));
    }

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, Page<CommentResponse>>
    {
        public async ValueTask<Page<CommentResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var comments = await db.ClaimComments.AsNoTracking().Where(c => c.ClaimId == query.ClaimId)
                .Select(c => new CommentResponse(c.Id, c.ClaimId, c.AuthorId, c.Text, c.Mentions, c.At))
                .ToListAsync(cancellationToken);
            return TimelinePaging.Page(comments, c => c.At, c => c.Id, query.Limit, query.Cursor);
        }
    }
}
