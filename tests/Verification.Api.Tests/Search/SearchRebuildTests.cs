using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Search;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;
using Verification.Persistence.Search;

namespace Verification.Api.Tests.Search;

/// <summary>
/// The rebuild job writes the search text of claims that have none (claims from before the search migration) or an
/// older version of it, and a claim is findable again afterwards; with everything current it finds nothing to do.
/// </summary>
public sealed class SearchRebuildTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_claim_without_search_text_is_found_again_after_the_rebuild(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var marker = SearchTests.Marker();
        var stale = SearchTests.Marker();
        var claim = Kidal.Claim();
        claim["title"] = $"Curfew in Ségou {marker}";
        var (body, _) = await investigator.Client.SubmitClaimAsync(claim);
        var id = body.GetProperty("id").GetGuid();
        var other = Kidal.Claim();
        other["title"] = $"Curfew in Gao {stale}";
        var (otherBody, _) = await investigator.Client.SubmitClaimAsync(other);
        var otherId = otherBody.GetProperty("id").GetGuid();
        Assert.Equal([id], await SearchTests.Ids(investigator.Client, SearchTests.Url($"segou {marker}")));

        await using (var scope = api.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
            // One row gone (as before the migration), one of an older version whose text no longer says what the claim says.
            await db.Set<ClaimSearchDocument>().Where(d => d.ClaimId == id).ExecuteDeleteAsync();
            await db.Set<ClaimSearchDocument>().Where(d => d.ClaimId == otherId)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Version, 0).SetProperty(d => d.Title, "nothing"));
        }
        Assert.Empty(await SearchTests.Ids(investigator.Client, SearchTests.Url(marker)));
        Assert.Empty(await SearchTests.Ids(investigator.Client, SearchTests.Url(stale)));

        RebuildClaimSearch.Result result;
        await using (var scope = api.Factory.Services.CreateAsyncScope())
            result = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RebuildClaimSearch.Command(BatchSize: 1));
        Assert.True(result.Indexed >= 2, $"indexed {result.Indexed}");
        Assert.Equal([id], await SearchTests.Ids(investigator.Client, SearchTests.Url($"SEGOU {marker}")));
        Assert.Equal([otherId], await SearchTests.Ids(investigator.Client, SearchTests.Url(stale)));

        await using (var scope = api.Factory.Services.CreateAsyncScope())
            result = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RebuildClaimSearch.Command());
        Assert.Equal(0, result.Indexed);
    }
}
