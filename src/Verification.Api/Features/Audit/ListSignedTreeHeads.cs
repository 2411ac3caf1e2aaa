using System.Globalization;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Integrity;
using Verification.Persistence;

namespace Verification.Api.Features.Audit;

/// <summary><c>GET /audit/heads</c>: every head signed, newest first (largest tree, then latest timestamp).</summary>
public static class ListSignedTreeHeads
{
    public sealed record Query(int Limit, string? Cursor) : IQuery<Page<SignedTreeHead>>, IPagedQuery;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.PagedBy(c => TryDecode(c, out _, out _));
    }

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, Page<SignedTreeHead>>
    {
        public async ValueTask<Page<SignedTreeHead>> Handle(Query query, CancellationToken cancellationToken)
        {
            var heads = db.SignedTreeHeads.AsNoTracking();
            if (TryDecode(query.Cursor, out var size, out var timestamp))
                heads = heads.Where(h => h.TreeSize < size || h.TreeSize == size && string.Compare(h.Timestamp, timestamp) < 0);
            var rows = await heads.OrderByDescending(h => h.TreeSize).ThenByDescending(h => h.Timestamp).Take(query.Limit + 1)
                .Select(h => new SignedTreeHead(h.TreeSize, h.RootHash, h.Timestamp, h.KeyId, h.Signature, h.TimestampToken))
                .ToListAsync(cancellationToken);
            if (rows.Count <= query.Limit)
                return new Page<SignedTreeHead>(rows, null);
            var page = rows.GetRange(0, query.Limit);
            return new Page<SignedTreeHead>(page, Paging.Encode($"{page[^1].TreeSize.ToString(CultureInfo.InvariantCulture)}|{page[^1].Timestamp}"));
        }
    }

    private static bool TryDecode(string? cursor, out long size, out string timestamp)
    {
        (size, timestamp) = (0, string.Empty);
        if (cursor is null || !Paging.TryDecode(cursor, out var position))
            return false;
        var parts = position.Split('|');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out size))
            return false;
        timestamp = parts[1];
        return true;
    }
}
