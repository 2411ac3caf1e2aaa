using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Partners;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.ReadModel;

/// <summary>
/// The partner pages and the staff list copy each stored document into one pooled body as the statement's row is read
/// (on SQLite through SQLitePCL, as the span SQLite holds; on PostgreSQL with <c>GetBytes</c>), and fill the places of
/// missing or stale documents afterwards. Each page over HTTP must be, byte for byte, the page composed here from EF
/// Core's own reads of the stored documents (a new array per document, as before), for documents of every size: the
/// usual ones, one of several SQLite pages (overflow pages, and past the body's first buffer), an empty one, a missing
/// one and a stale one (both rebuilt).
/// </summary>
public sealed class StoredPageBodyTests
{
    private const int Limit = 2;

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Every_page_holds_each_stored_document_byte_for_byte_whatever_its_size_and_rebuilds_missing_and_stale_ones(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var claims = new List<Guid>();
        for (var i = 0; i < 7; i++)
            claims.Add(await world.DecidedAsync());
        var restricted = await world.NewPartnerAsync("Restricted");
        var publicPartner = await world.NewPartnerAsync("Public");

        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        Assert.True(scope.ServiceProvider.GetRequiredService<PreparedQueries>().Enabled);
        var original = await db.ClaimDocuments.AsNoTracking().ToDictionaryAsync(d => d.ClaimId);

        async Task SamePagesAsync(string state)
        {
            foreach (var (level, client) in new[] { (SharingLevel.Restricted, restricted.Client), (SharingLevel.Public, publicPartner.Client) })
            {
                var pages = 0;
                string? cursor = null;
                do
                {
                    var (expected, next) = await PartnerPageAsync(db, level, cursor, original);
                    var query = "?limit=" + Limit + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
                    Assert.Equal(Text(expected), Text(await client.GetByteArrayAsync("/api/v1/partner/claims" + query)));
                    // A filter that keeps every claim: EF Core's general path, into the same body.
                    Assert.Equal(Text(expected), Text(await client.GetByteArrayAsync("/api/v1/partner/claims" + query + "&updatedSince=2000-01-01T00:00:00Z")));
                    cursor = next;
                }
                while (cursor is not null && ++pages < 10);
                Assert.True(pages >= 3, state);
            }

            var staffPages = 0;
            var after = long.MaxValue;
            while (staffPages++ < 10)
            {
                var (expected, last) = await StaffPageAsync(db, after, original);
                var query = "?limit=" + Limit + (after == long.MaxValue ? "" : "&cursor=" + Uri.EscapeDataString(Paging.Encode(after.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                Assert.Equal(Text(expected), Text(await world.Reviewer.Client.GetByteArrayAsync("/api/v1/claims" + query)));
                if (last is null)
                    break;
                after = last.Value;
            }
            Assert.True(staffPages >= 3, state);
        }

        await SamePagesAsync("as stored");

        // Documents of other sizes, each in the three shapes: larger than one or several SQLite pages (16 KiB, SqliteFileFormat) and than the
        // body's first buffer, empty; then one missing and one stale (their claims' documents are rebuilt on the page).
        static byte[] Large(string shape, int size) => Encoding.UTF8.GetBytes("{\"shape\":\"" + shape + "\",\"fill\":\"" + new string('x', size) + "\"}");
        await db.ClaimDocuments.Where(d => d.ClaimId == claims[1]).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Staff, Large("staff", 70_000)).SetProperty(d => d.PartnerPublic, Large("public", 40_000)).SetProperty(d => d.PartnerRestricted, Large("restricted", 20_000)));
        await db.ClaimDocuments.Where(d => d.ClaimId == claims[2]).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Staff, Array.Empty<byte>()).SetProperty(d => d.PartnerPublic, Array.Empty<byte>()).SetProperty(d => d.PartnerRestricted, Array.Empty<byte>()));
        Assert.Equal(1, await db.ClaimDocuments.Where(d => d.ClaimId == claims[4]).ExecuteDeleteAsync());
        Assert.Equal(1, await db.ClaimDocuments.Where(d => d.ClaimId == claims[5]).ExecuteUpdateAsync(s => s.SetProperty(d => d.Version, d => d.Version - 1)));
        var stored = await db.ClaimDocuments.AsNoTracking().ToDictionaryAsync(d => d.ClaimId);
        Assert.True(stored[claims[1]].Staff.Length > 4 * SqliteFileFormat.PageBytes);
        Assert.True(stored[claims[1]].PartnerRestricted!.Length > SqliteFileFormat.PageBytes);
        Assert.Empty(stored[claims[2]].PartnerRestricted!);
        Assert.NotNull(stored[claims[2]].PartnerRestricted);

        await SamePagesAsync("other sizes");

        // The pages above went through SQLitePCL's rows on SQLite (one statement, so the reader takes it), ADO.NET elsewhere.
        using var statement = PartnerClaimReader.Prepare(db, "PartnerClaimReader.RestrictedFirst", Sentinel.Take);
        Assert.Equal(provider == DatabaseProvider.Sqlite, statement.ReadsSqliteRows);
        if (provider == DatabaseProvider.Sqlite)
        {
            var count = await statement.ReadSqlite(rows =>
            {
                var n = 0;
                while (rows.Next())
                    n++;
                return n;
            }, CancellationToken.None, 50);
            Assert.Equal(claims.Count, count);
            Assert.True(statement.ReadsSqliteRows);
        }
    }

    /// <summary>A partner page as EF Core's compiled reads give it, each document an array; a stale or missing one is the stored one from before.</summary>
    private static async Task<(byte[] Body, string? Next)> PartnerPageAsync(VerificationDb db, SharingLevel level, string? cursor, Dictionary<Guid, ClaimDocument> original)
    {
        var filter = new ListPartnerClaims.Query(new PartnerCaller(Guid.NewGuid(), level), null, null, null, null, Limit, cursor);
        var page = await new PartnerClaimReader(db).PageDocumentsAsync(filter, level, Limit, cursor, CancellationToken.None);
        var items = page.Rows.Select(r => r.Current ? r.Document! : (level == SharingLevel.Public ? original[r.Id].PartnerPublic : original[r.Id].PartnerRestricted)!);
        return (Compose(items, page.NextCursor), page.NextCursor);
    }

    private static async Task<(byte[] Body, long? Last)> StaffPageAsync(VerificationDb db, long after, Dictionary<Guid, ClaimDocument> original)
    {
        var rows = new List<ListClaimDocuments.Handler.Row>();
        await foreach (var row in ListClaimDocuments.Handler.CompiledReads.For(db.Model).Newest(db, after, Limit + 1))
            rows.Add(row);
        long? last = rows.Count > Limit ? rows[Limit - 1].Number : null;
        var items = rows.Take(Limit).Select(r => r.Current ? r.Staff! : original[r.Id].Staff);
        var cursor = last is { } number ? Paging.Encode(number.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
        return (Compose(items, cursor), last);
    }

    private static byte[] Compose(IEnumerable<byte[]> items, string? cursor)
    {
        var body = new List<byte>();
        body.AddRange("{\"items\":["u8.ToArray());
        var first = true;
        foreach (var item in items)
        {
            if (!first)
                body.Add((byte)',');
            body.AddRange(item);
            first = false;
        }
        body.AddRange(Encoding.UTF8.GetBytes("],\"nextCursor\":" + (cursor is null ? "null" : "\"" + cursor + "\"") + "}"));
        return [.. body];
    }

    /// <summary>Compared as text, so a failure shows where the bodies part.</summary>
    private static string Text(byte[] body) => Encoding.UTF8.GetString(body);
}
