using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Operations;

/// <summary>
/// Reads the stored result of a background check. A failed check is Degraded, not Unhealthy: the instance still
/// serves requests correctly, and a load balancer that drops unhealthy instances must keep it while people look
/// into the broken chain or the missing bytes.
/// </summary>
public sealed class StoredCheckHealth(VerificationDb db, string checkName, string failure) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var check = await db.OperationalChecks.AsNoTracking().FirstOrDefaultAsync(c => c.Name == checkName, cancellationToken);
        if (check is null)
            return HealthCheckResult.Healthy("Not checked yet.");
        var when = check.CheckedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture);
        return check.Passed
            ? HealthCheckResult.Healthy($"Passed at {when}.")
            : HealthCheckResult.Degraded($"{failure} (found at {when}); a coordinator should look into it.");
    }
}

/// <summary>Job storage answers: a cheap read of the server list, the same call the dashboard makes.</summary>
public sealed class JobStorageHealth(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers().Count;
            return Task.FromResult(HealthCheckResult.Healthy($"{servers} job server(s) registered."));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The exception stays out of the answer (it may name a host); the log keeps it.
            return Task.FromResult(HealthCheckResult.Unhealthy("Job storage does not answer.", e));
        }
    }
}

public static class HealthResponses
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The overall status and each check's status and own description. Exceptions are never written: /health is open
    /// to anyone, and an exception message can name a host, a user or a file.
    /// </summary>
    public static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Exception is null ? e.Value.Description : null,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json), context.RequestAborted);
    }
}
