using System.Net;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Foundation;

/// <summary>
/// The probes are answered by routing itself (ShortCircuit) and skip the middleware after it: they must still carry
/// every security header and the correlation id, and the shortcut must not open anything else. HEAD on the OpenAPI
/// document answers as GET does.
/// </summary>
public sealed class CheapPipelineTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Short_circuited_probes_carry_every_security_header_and_the_correlation_id(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        foreach (var route in new[] { "/health/live", "/health/ready" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, route);
            request.Headers.Add("X-Correlation-Id", "probe-1");
            var probe = await api.Anonymous.SendAsync(request);
            await Expect.Status(probe, HttpStatusCode.OK);
            Assert.Equal("nosniff", probe.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", probe.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", probe.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("same-origin", probe.Headers.GetValues("Cross-Origin-Resource-Policy").Single());
            Assert.Equal("default-src 'none'; frame-ancestors 'none'", probe.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("probe-1", probe.Headers.GetValues("X-Correlation-Id").Single());
        }

        // A route that does not short-circuit carries the same headers, and still needs its credentials.
        var refused = await api.Anonymous.GetAsync("/api/v1/claims");
        await Expect.Problem(refused, HttpStatusCode.Unauthorized);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", refused.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Single(refused.Headers.GetValues("X-Correlation-Id"));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task HEAD_on_the_OpenAPI_document_answers_as_GET(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var get = await api.Anonymous.GetAsync("/openapi/v1.json");
        await Expect.Status(get, HttpStatusCode.OK);
        var head = await api.Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/openapi/v1.json"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", head.Headers.GetValues("X-Content-Type-Options").Single());

        // A document that does not exist is a 404 both ways, not a 401.
        var missingGet = await api.Anonymous.GetAsync("/openapi/v9.json");
        var missingHead = await api.Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/openapi/v9.json"));
        Assert.Equal(HttpStatusCode.NotFound, missingGet.StatusCode);
        Assert.Equal(missingGet.StatusCode, missingHead.StatusCode);

        // Other verbs are still refused.
        var post = await api.Anonymous.PostAsync("/openapi/v1.json", null);
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
    }

    [Fact]
    public void The_PostgreSQL_pool_is_bounded_unless_the_operator_sets_its_size()
    {
        var bounded = new Npgsql.NpgsqlConnectionStringBuilder(
            Verification.Api.Infrastructure.Persistence.DatabaseSetup.ConnectionString(DatabaseProvider.PostgreSql, "Host=db;Database=v;Username=u"));
        Assert.Equal(Verification.Api.Infrastructure.Persistence.DatabaseSetup.DefaultPostgresPoolSize, bounded.MaxPoolSize);
        Assert.InRange(bounded.MaxPoolSize, 16, 99);
        Assert.Equal("db", bounded.Host);

        foreach (var key in new[] { "Maximum Pool Size", "maximum pool size", "MaxPoolSize" })
        {
            var chosen = new Npgsql.NpgsqlConnectionStringBuilder(
                Verification.Api.Infrastructure.Persistence.DatabaseSetup.ConnectionString(DatabaseProvider.PostgreSql, $"Host=db;{key}=200"));
            Assert.Equal(200, chosen.MaxPoolSize);
        }
    }
}
