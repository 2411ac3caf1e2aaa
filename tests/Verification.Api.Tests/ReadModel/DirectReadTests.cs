using System.Net;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Claims;
using Verification.Api.Features.ReadModel;
using Verification.Api.Pipeline;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.ReadModel;

/// <summary>
/// <c>GET /api/v1/claims/{id}</c> calls <see cref="GetClaimDocument.Handler"/> without the mediator. That is right only
/// while no pipeline behaviour acts on its query; these tests fail as soon as one could (a behaviour is added, the query
/// gains a validator or a marker interface a behaviour looks for), and check that authorization still holds.
/// </summary>
public sealed class DirectReadTests
{
    /// <summary>The behaviours the direct call was checked against (GetClaimDocument.Handler's remarks).</summary>
    private static readonly Type[] CheckedBehaviours =
    [
        typeof(ValidationBehaviour<,>), typeof(AuthorizationBehaviour<,>), typeof(PreconditionBehaviour<,>),
        typeof(TransactionBehaviour<,>), typeof(AuditBehaviour<,>),
    ];

    [Fact]
    public async Task No_pipeline_behaviour_acts_on_the_direct_read()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        await using var scope = api.Factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;

        // The pipeline is the one checked: a new behaviour means reviewing the direct call first.
        var behaviours = services.GetServices<IPipelineBehavior<GetClaimDocument.Query, StoredDocument>>()
            .Select(b => b.GetType().GetGenericTypeDefinition()).ToList();
        Assert.Equal(CheckedBehaviours, behaviours);

        // Nothing the behaviours act on: no validator, no claim or evidence marker, not a command.
        Assert.Empty(services.GetServices<IValidator<GetClaimDocument.Query>>());
        foreach (var marker in new[] { typeof(IClaimQuery), typeof(IClaimCommand), typeof(IEvidenceCommand), typeof(IVersionedClaimCommand), typeof(IBaseCommand) })
            Assert.False(marker.IsAssignableFrom(typeof(GetClaimDocument.Query)), $"The direct read's query is a {marker.Name}: send it through the mediator.");

        // And each behaviour, run on the query, hands back exactly what the next step answers.
        var answer = new StoredDocument(7, [1, 2, 3]);
        var query = new GetClaimDocument.Query(Guid.NewGuid());
        foreach (var behaviour in services.GetServices<IPipelineBehavior<GetClaimDocument.Query, StoredDocument>>())
        {
            var called = 0;
            var result = await behaviour.Handle(query, (m, _) =>
            {
                called++;
                Assert.Same(query, m);
                return ValueTask.FromResult(answer);
            }, CancellationToken.None);
            Assert.Same(answer, result);
            Assert.Equal(1, called);
        }
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_direct_read_still_refuses_callers_who_may_not_see_the_claim(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var (claim, _) = await world.Investigator.Client.SubmitClaimAsync();
        var url = $"/api/v1/claims/{claim.GetProperty("id").GetGuid()}";
        await Expect.Status(await world.Investigator.Client.GetAsync(url), HttpStatusCode.OK);
        await Expect.Status(await world.Reviewer.Client.GetAsync(url), HttpStatusCode.OK);

        // Another investigator: 404 (the object check); no token: 401; a partner key on the staff route: refused.
        var stranger = await world.Api.NewPersonAsync("Investigator");
        await Expect.Problem(await stranger.Client.GetAsync(url), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, (await world.Api.Anonymous.GetAsync(url)).StatusCode);
        var partner = await world.NewPartnerAsync("Restricted");
        Assert.Contains((await partner.Client.GetAsync(url)).StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });

        // A deactivated reviewer's token is refused on the direct read as on any other route.
        var reviewer = await world.Api.NewPersonAsync("Reviewer");
        await Expect.Status(await reviewer.Client.GetAsync(url), HttpStatusCode.OK);
        await Expect.Status(await world.Coordinator.PostAsync($"/api/v1/users/{reviewer.Id}/deactivate", null), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, (await reviewer.Client.GetAsync(url)).StatusCode);
    }
}
