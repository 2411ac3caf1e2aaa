using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Jobs;

public sealed class BackgroundJobTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_sweep_job_runs_through_Hangfire_and_removes_expired_idempotency_records(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        await using (var db = api.Factory.CreateDb())
        {
            db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                UserId = investigator.Id,
                Key = "old",
                RequestHash = new string('0', 64),
                ResourceId = Guid.NewGuid(),
                ResponseBody = "{}",
                CreatedAt = DateTime.UtcNow.AddDays(-2),
                ExpiresAt = DateTime.UtcNow.AddDays(-1),
            });
            db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                UserId = investigator.Id,
                Key = "fresh",
                RequestHash = new string('0', 64),
                ResourceId = Guid.NewGuid(),
                ResponseBody = "{}",
                CreatedAt = DateTime.UtcNow,
                ExpiresAt = DateTime.UtcNow.AddHours(23),
            });
            await db.SaveChangesAsync();
        }

        api.Factory.Services.GetRequiredService<IRecurringJobManager>().Trigger("sweep-expired");

        var deadline = DateTime.UtcNow.AddSeconds(180);
        List<string> keys;
        do
        {
            await Task.Delay(250);
            await using var db = api.Factory.CreateDb();
            keys = await db.IdempotencyRecords.Where(r => r.UserId == investigator.Id).Select(r => r.Key).ToListAsync();
        }
        while (keys.Contains("old") && DateTime.UtcNow < deadline);
        Assert.Equal(["fresh"], keys);
    }
}
