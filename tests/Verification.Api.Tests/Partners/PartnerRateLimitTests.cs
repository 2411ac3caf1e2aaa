using System.Net;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Partners;

public sealed class PartnerRateLimitTests
{
    [Fact]
    public async Task A_partner_over_its_requests_per_minute_gets_429_with_Retry_After_and_other_partners_do_not()
    {
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Partners:RequestsPerMinute"] = "3" });
        var busy = await world.NewPartnerAsync();
        var quiet = await world.NewPartnerAsync();

        for (var i = 0; i < 3; i++)
            await Expect.Status(await busy.Client.GetAsync("/api/v1/partner/claims"), HttpStatusCode.OK);
        var refused = await busy.Client.GetAsync("/api/v1/partner/claims");
        var problem = await Expect.Problem(refused, (HttpStatusCode)429);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        await Expect.Status(await busy.Client.GetAsync("/api/v1/partner/exports/claims"), (HttpStatusCode)429);

        // The budget is per partner: another organisation is not slowed down, nor are staff routes.
        await Expect.Status(await quiet.Client.GetAsync("/api/v1/partner/claims"), HttpStatusCode.OK);
        await Expect.Status(await world.Coordinator.GetAsync("/api/v1/partners"), HttpStatusCode.OK);
    }
}
