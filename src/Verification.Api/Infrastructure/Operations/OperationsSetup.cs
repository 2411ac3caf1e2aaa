using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Operations;

public static class OperationsSetup
{
    private static readonly string[] Ready = ["ready"];

    /// <summary>The framework meters exported (every other one is left without a listener, so it records nothing).</summary>
    internal static readonly string[] AspNetCoreMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Identity",
        "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Diagnostics",
    ];

    /// <summary>Metrics through OpenTelemetry (Prometheus format) and the readiness checks beyond the database.</summary>
    public static IServiceCollection AddVerificationOperations(this IServiceCollection services, IConfiguration configuration)
    {
        // The meter's name is not in any exported metric's name. It can be set so that several hosts in one process (the
        // HTTP tests) each export their own instruments: OpenTelemetry listens to meters by name across the process.
        var meterName = configuration["Metrics:MeterName"] is { Length: > 0 } configured ? configured : VerificationMetrics.MeterName;
        services.AddSingleton(new VerificationMeterName(meterName));
        services.AddSingleton<OperationalSnapshot>();
        services.AddSingleton<VerificationMetrics>();
        services.AddOpenTelemetry()
            // No generated instance id: /metrics then holds no identifier at all, which its test can check strictly.
            .ConfigureResource(r => r.AddService("verification", autoGenerateServiceInstanceId: false))
            .WithMetrics(metrics => metrics
                // ASP.NET Core's own meters, the ones operators read (docs/operations.md): request rate and duration by
                // route (http.server.request.duration is tagged with the route pattern, /api/v1/claims/{id:guid}, never
                // the path, so no id reaches a label) and active requests; Kestrel's connections; Identity's sign-ins;
                // the rate limiter's refusals; unhandled exceptions. Not the per-request counters of routing, of
                // authentication and of authorization, nor the memory pool's: each is one more instrument update on
                // every request, and nothing reads them.
                .AddMeter(AspNetCoreMeters)
                .AddMeter(meterName)
                // The runtime's own instruments (.NET 9+, no package): garbage collections and their pauses, heap sizes,
                // bytes allocated, JIT compilations, thread pool queue and lock contention. Process-wide counts, no ids.
                .AddMeter("System.Runtime")
                .AddPrometheusExporter());

        services.AddHealthChecks()
            .AddCheck<JobStorageHealth>("job-storage", tags: Ready)
            .Add(new HealthCheckRegistration("audit-chain",
                sp => new StoredCheckHealth(sp.GetRequiredService<VerificationDb>(), OperationalCheck.AuditChain,
                    "The audit chain failed verification"), HealthStatus.Degraded, Ready))
            .Add(new HealthCheckRegistration("evidence-fixity",
                sp => new StoredCheckHealth(sp.GetRequiredService<VerificationDb>(), OperationalCheck.EvidenceFixity,
                    "Evidence bytes are missing or changed"), HealthStatus.Degraded, Ready));
        return services;
    }

    /// <summary>/health/live (the process answers), /health/ready (database, job storage, integrity checks) and /metrics.</summary>
    public static WebApplication MapOperationsEndpoints(this WebApplication app)
    {
        // The observable instruments exist once this object does; create it now rather than at the first scrape.
        app.Services.GetRequiredService<VerificationMetrics>();
        // Probes are answered by routing itself (ShortCircuit): they carry the security headers and the correlation id,
        // which come before routing (Program.cs), and skip what follows it, none of which applies to them (no body, no
        // query, anonymous, no rate limit). A load balancer asks every few seconds on every instance.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().ShortCircuit();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = HealthResponses.WriteJson,
            // Degraded still takes traffic (200); only Unhealthy is 503.
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous().ShortCircuit();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }
}

/// <summary>The name of the meter this host's <see cref="VerificationMetrics"/> writes to.</summary>
public sealed record VerificationMeterName(string Value);
