using System.Net;
using System.Net.Http.Json;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.Foundation;

/// <summary>What a newcomer or a partner meets first: the public reference, and refusals that say what to change.</summary>
public sealed class PublicReferenceTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_reference_answers_HEAD_as_GET_without_credentials(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        foreach (var path in new[] { "/docs/", "/docs" })
        {
            var head = await api.Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            Assert.True(head.StatusCode == HttpStatusCode.OK, $"HEAD {path} answered {(int)head.StatusCode}");
        }
        await Expect.Status(await api.Anonymous.GetAsync("/docs/"), HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_refused_loopback_webhook_url_names_the_setting_that_allows_it(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var partner = await world.NewPartnerAsync();
        foreach (var url in new[] { "https://127.0.0.1:8443/hook", "http://127.0.0.1:8080/hook" })
        {
            var problem = await Expect.ValidationProblem(await partner.Client.PostAsJsonAsync("/api/v1/partner/webhooks",
                new { url, events = new[] { "claim.decided" } }), "url");
            Assert.Contains("Webhooks:AllowPrivateNetworks", problem.GetProperty("errors").GetProperty("url")[0].GetString());
        }
    }
}
