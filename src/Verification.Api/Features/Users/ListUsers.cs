using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Persistence;

namespace Verification.Api.Features.Users;

public static class ListUsers
{
    public sealed record Query(int Limit, string? Cursor) : IQuery<Page<UserResponse>>, IPagedQuery;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.PagedBy(c => Paging.TryDecode(c, out _));
    }

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, Page<UserResponse>>
    {
        public async ValueTask<Page<UserResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var after = query.Cursor is null ? null : Paging.Decode(query.Cursor);
            var users = db.Users.AsNoTracking();
            if (after is not null)
                users = users.Where(u => string.Compare(u.NormalizedEmail, after) > 0);
            var rows = await users.OrderBy(u => u.NormalizedEmail)
                .Take(query.Limit + 1)
                .Select(u => new
                {
                    u.Id,
                    u.Email,
                    u.NormalizedEmail,
                    Active = u.DeactivatedAt == null,
                    Roles = db.UserRoles.Where(r => r.UserId == u.Id)
                        .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToList(),
                })
                .ToListAsync(cancellationToken);
            var page = rows.Take(query.Limit).Select(u => new UserResponse(u.Id, u.Email!, u.Roles.Order().ToList(), u.Active)).ToList();
            return new Page<UserResponse>(page, rows.Count > query.Limit ? Paging.Encode(rows[query.Limit - 1].NormalizedEmail!) : null);
        }
    }
}
