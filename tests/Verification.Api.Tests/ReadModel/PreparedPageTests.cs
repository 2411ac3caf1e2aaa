using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Partners;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.ReadModel;

/// <summary>
/// The unfiltered staff list, the partner pages, the partner's one-claim read and the partner key lookup run EF Core's
/// own SQL as prepared statements (<see cref="PreparedQuery"/>). They must answer exactly what EF Core's compiled
/// queries answer (same claims, order, bytes and next cursor) page after page, for both sharing levels, while claims are
/// decided and reopened between two pages; every kept connection must see each commit; and a rotated or revoked key must
/// fail on the very next request, whichever connection serves it.
/// </summary>
public sealed class PreparedPageTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_prepared_partner_pages_and_reads_answer_what_EF_Core_answers_while_claims_are_decided_and_reopened(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var decided = new List<Guid>();
        for (var i = 0; i < 5; i++)
            decided.Add(await world.DecidedAsync());
        var (pending, _, pendingTag) = await world.InCorroborationAsync();

        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        var prepared = scope.ServiceProvider.GetRequiredService<PreparedQueries>();
        Assert.True(prepared.Enabled);
        var byEf = new PartnerClaimReader(db);
        var byPrepared = new PartnerClaimReader(db, prepared: prepared);

        foreach (var level in new[] { SharingLevel.Public, SharingLevel.Restricted })
        {
            // Two pages of two, then a change between two pages: the pending claim is decided and a decided one reopened.
            var cursor = await SamePageAsync(byEf, byPrepared, level, null, expectedCount: 2);
            cursor = await SamePageAsync(byEf, byPrepared, level, cursor, expectedCount: 2);
            Assert.NotNull(cursor);
            if (level == SharingLevel.Public)
            {
                await world.DecideAsync(pending, pendingTag, "Weak");
                await world.ReopenAsync(decided[0]);
            }
            // The rest of the way, to the last page (no cursor after it).
            var pages = 0;
            while (cursor is not null && pages++ < 10)
                cursor = await SamePageAsync(byEf, byPrepared, level, cursor, expectedCount: null);
            Assert.Null(cursor);
            Assert.Equal(5, await CountAsync(byPrepared, level));

            foreach (var id in decided.Append(pending).Append(Guid.NewGuid()))
            {
                var version = (await byEf.FindDocumentAsync(id, level, -1, CancellationToken.None))?.Version ?? 1;
                foreach (var known in new[] { -1L, version, version + 1 })
                {
                    var expected = await byEf.FindDocumentAsync(id, level, known, CancellationToken.None);
                    var actual = await byPrepared.FindDocumentAsync(id, level, known, CancellationToken.None);
                    Assert.Equal(expected, actual, RowComparer.Instance);
                    // The cases are real ones: a reopened or unknown claim is absent, the known version selects no bytes.
                    Assert.Equal(id != decided[0] && (decided.Contains(id) || id == pending), actual is not null);
                    if (actual is not null)
                        Assert.Equal(known == actual.Version, actual.Document is null);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_prepared_staff_list_answers_what_EF_Core_answers_page_after_page(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        for (var i = 0; i < 5; i++)
            await world.Investigator.Client.SubmitClaimAsync();
        var decided = await world.DecidedAsync();

        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        var prepared = scope.ServiceProvider.GetRequiredService<PreparedQueries>();
        using var newest = ListClaimDocuments.Handler.PrepareNewest(db, Sentinel.Take);
        var compiled = ListClaimDocuments.Handler.CompiledReads.For(db.Model);

        var after = long.MaxValue;
        var seen = 0;
        for (var page = 0; page < 4; page++)
        {
            var expected = new List<ListClaimDocuments.Handler.Row>();
            await foreach (var row in compiled.Newest(db, after, 3))
                expected.Add(row);
            var actual = await newest.ReadAsync(ListClaimDocuments.Handler.ReadRowsAsync, CancellationToken.None, after, 3);
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i] with { Staff = null }, actual[i] with { Staff = null });
                Assert.Equal(expected[i].Staff, actual[i].Staff);
                Assert.True(actual[i].Current);
            }
            seen += actual.Count;
            if (actual.Count < 3)
                break;
            after = actual[^1].Number;
            if (page == 0)
                await world.ReopenAsync(decided);
        }
        Assert.Equal(6, seen);

        // Over HTTP, as a reviewer (who sees every claim): the pages chain by their cursors and hold every claim once.
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var response = await world.Reviewer.Client.GetAsync("/api/v1/claims?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            await Expect.Status(response, HttpStatusCode.OK);
            var body = await response.Json();
            ids.AddRange(body.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));
            cursor = body.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : body.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && ids.Count < 20);
        Assert.Equal(6, ids.Count);
        Assert.Equal(6, ids.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Every_kept_connection_sees_each_decision_and_reopening_on_the_partner_page_and_the_staff_list(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var first = await world.DecidedAsync();
        var restricted = await world.NewPartnerAsync("Restricted");
        var publicPartner = await world.NewPartnerAsync("Public");

        // Readers in parallel, so that several connections are opened and kept; then one change; then every reader again.
        async Task<string[][]> ReadAllAsync(HttpClient client, string url) => await Task.WhenAll(Enumerable.Range(0, 24).Select(async _ =>
        {
            var response = await client.GetAsync(url);
            await Expect.Status(response, HttpStatusCode.OK);
            return (await response.Json()).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToArray();
        }));
        async Task AllSeeAsync(params Guid[] expected)
        {
            var ids = expected.Select(g => g.ToString()).ToArray();
            foreach (var client in new[] { restricted.Client, publicPartner.Client })
                Assert.All(await ReadAllAsync(client, "/api/v1/partner/claims?limit=50"), page => Assert.Equal(ids, page));
        }

        await AllSeeAsync(first);
        var second = await world.DecidedAsync();
        await AllSeeAsync(first, second);
        await world.ReopenAsync(first);
        await AllSeeAsync(second);
        // The one-claim read too: the reopened claim is gone at once, the decided one is there.
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => restricted.Client.GetAsync($"/api/v1/partner/claims/{first}"))),
            r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => publicPartner.Client.GetAsync($"/api/v1/partner/claims/{second}"))),
            r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        // The staff list: a claim submitted now is first on every reader's next page.
        var before = await ReadAllAsync(world.Reviewer.Client, "/api/v1/claims?limit=50");
        var (submitted, _) = await world.Investigator.Client.SubmitClaimAsync();
        var newId = submitted.GetProperty("id").GetString()!;
        Assert.All(await ReadAllAsync(world.Reviewer.Client, "/api/v1/claims?limit=50"), page =>
        {
            Assert.Equal(newId, page[0]);
            Assert.Equal(before[0], page[1..]);
        });
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_rotated_or_revoked_key_fails_on_the_next_request_on_every_kept_connection(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        await world.DecidedAsync();
        var partner = await world.NewPartnerAsync("Restricted");
        var other = await world.NewPartnerAsync("Public");
        async Task<HttpStatusCode[]> ReadAllAsync(HttpClient client) =>
            (await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => client.GetAsync("/api/v1/partner/claims")))).Select(r => r.StatusCode).ToArray();

        Assert.All(await ReadAllAsync(partner.Client), s => Assert.Equal(HttpStatusCode.OK, s));
        var rotated = await world.Coordinator.PostAsync($"/api/v1/partners/{partner.Id}/keys", null);
        await Expect.Status(rotated, HttpStatusCode.Created);
        var renewed = world.PartnerClient((await rotated.Json()).GetProperty("apiKey").GetString()!);
        Assert.All(await ReadAllAsync(partner.Client), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(await ReadAllAsync(renewed), s => Assert.Equal(HttpStatusCode.OK, s));

        await Expect.Status(await world.Coordinator.DeleteAsync($"/api/v1/partners/{partner.Id}/keys"), HttpStatusCode.NoContent);
        Assert.All(await ReadAllAsync(renewed), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        // A key with a right prefix and a wrong secret is refused; the other partner's key still opens its pages.
        var forged = world.PartnerClient(other.Key[..^4] + "AAAA");
        Assert.All(await ReadAllAsync(forged), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(await ReadAllAsync(other.Client), s => Assert.Equal(HttpStatusCode.OK, s));

        // The prepared lookup itself, against EF Core's: the same candidates for a live and a revoked prefix.
        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        using var lookup = PartnerKeys.Prepare(db);
        foreach (var prefix in new[] { other.Key[..11], partner.Key[..11], "vk_unknown" })
        {
            var expected = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(PartnerKeys.Candidates(db, prefix));
            var actual = await lookup.ReadAsync(PartnerKeys.ReadAsync, CancellationToken.None, prefix);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Pages_of_every_size_answer_what_EF_Core_answers_with_the_row_count_written_into_the_statement_on_PostgreSQL(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        for (var i = 0; i < 3; i++)
            await world.DecidedAsync();

        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        var prepared = scope.ServiceProvider.GetRequiredService<PreparedQueries>();
        Assert.Equal(provider == DatabaseProvider.PostgreSql, prepared.WritesLimits);
        var byEf = new PartnerClaimReader(db);
        var byPrepared = new PartnerClaimReader(db, prepared: prepared);

        // More page sizes than statements with their count written in (four per size: two levels, first page and after a
        // cursor): the sizes past the bound run the statement with a parameter, and every page is still EF Core's.
        var sizes = PreparedQueries.MaxStatementsWithLimit / 2 + 3;
        for (var limit = 1; limit <= sizes; limit++)
        {
            foreach (var level in new[] { SharingLevel.Public, SharingLevel.Restricted })
            {
                string? cursor = null;
                var seen = 0;
                do
                {
                    cursor = await SamePageAsync(byEf, byPrepared, level, cursor, expectedCount: null, limit);
                    seen += limit;
                }
                while (cursor is not null && seen < 10);
                Assert.Null(cursor);
            }
        }

        // The statement itself: on PostgreSQL the row count is in the SQL, and the statement serves that count only.
        using var first = PartnerClaimReader.Prepare(db, "PartnerClaimReader.RestrictedFirst", new PreparedQuery.Literal(3));
        using var newest = ListClaimDocuments.Handler.PrepareNewest(db, new PreparedQuery.Literal(3));
        foreach (var statement in new[] { first, newest })
        {
            Assert.Matches(@"LIMIT 3\b", statement.Sql);
            Assert.DoesNotMatch("LIMIT @", statement.Sql);
        }
        Assert.Equal(3, (await first.ReadAsync(PartnerClaimReader.ReadRowsAsync, CancellationToken.None, 3)).Count);
        await Assert.ThrowsAsync<ArgumentException>(() => first.ReadAsync(PartnerClaimReader.ReadRowsAsync, CancellationToken.None, 2));
        var newestRows = await newest.ReadAsync(ListClaimDocuments.Handler.ReadRowsAsync, CancellationToken.None, long.MaxValue, 3);
        Assert.Equal(3, newestRows.Count);
    }

    /// <summary>Reads one page both ways, asserts they are the same rows, bytes and cursor; answers the cursor.</summary>
    private static async Task<string?> SamePageAsync(PartnerClaimReader byEf, PartnerClaimReader byPrepared, SharingLevel level, string? cursor, int? expectedCount, int limit = 2)
    {
        var filter = Filter(level, limit, cursor);
        var expected = await byEf.PageDocumentsAsync(filter, level, limit, cursor, CancellationToken.None);
        var actual = await byPrepared.PageDocumentsAsync(filter, level, limit, cursor, CancellationToken.None);
        Assert.Equal(expected.Rows, actual.Rows, RowComparer.Instance);
        Assert.Equal(expected.NextCursor, actual.NextCursor);
        // The unfiltered pages join the documents before the cut; a filter that keeps every claim takes the general path,
        // which cuts the page first and joins after: the same rows, bytes and cursor.
        var everything = new ListPartnerClaims.Query(filter.Partner, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), null, null, null, limit, cursor);
        var general = await byEf.PageDocumentsAsync(everything, level, limit, cursor, CancellationToken.None);
        Assert.Equal(general.Rows, actual.Rows, RowComparer.Instance);
        Assert.Equal(general.NextCursor, actual.NextCursor);
        Assert.All(actual.Rows, r => Assert.True(r.Current));
        if (expectedCount is { } count)
            Assert.Equal(count, actual.Rows.Count);
        return actual.NextCursor;
    }

    private static async Task<int> CountAsync(PartnerClaimReader reader, SharingLevel level) =>
        (await reader.PageDocumentsAsync(Filter(level, 50, null), level, 50, null, CancellationToken.None)).Rows.Count;

    private static ListPartnerClaims.Query Filter(SharingLevel level, int limit, string? cursor) =>
        new(new PartnerCaller(Guid.NewGuid(), level), null, null, null, null, limit, cursor);

    private sealed class RowComparer : IEqualityComparer<PartnerClaimReader.DocumentRow?>
    {
        public static readonly RowComparer Instance = new();

        public bool Equals(PartnerClaimReader.DocumentRow? x, PartnerClaimReader.DocumentRow? y) =>
            x is null || y is null
                ? x is null && y is null
                : x.Id == y.Id && x.Number == y.Number && x.UpdatedAt == y.UpdatedAt && x.UpdatedAt.Kind == y.UpdatedAt.Kind
                  && x.Version == y.Version && x.DocumentVersion == y.DocumentVersion
                  && (x.Document is null ? y.Document is null : y.Document is not null && x.Document.AsSpan().SequenceEqual(y.Document));

        public int GetHashCode(PartnerClaimReader.DocumentRow? row) => row?.Id.GetHashCode() ?? 0;
    }
}
