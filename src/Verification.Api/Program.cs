using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using FluentValidation;
using Microsoft.AspNetCore.HttpOverrides;
using Verification.Api;
using Verification.Api.Features.Audit;
using Verification.Api.Features.Auth;
using Verification.Api.Features.Backups;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Comments;
using Verification.Api.Features.Evidence;
using Verification.Api.Features.Exports;
using Verification.Api.Features.Partners;
using Verification.Api.Features.Imports;
using Verification.Api.Features.Maintenance;
using Verification.Api.Features.Notifications;
using Verification.Api.Features.Queues;
using Verification.Api.Features.ReadModel;
using Verification.Api.Features.Search;
using Verification.Api.Features.Operations;
using Verification.Api.Features.Users;
using Verification.Api.Features.Verdicts;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Integrity;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Keys;
using Verification.Api.Infrastructure.Operations;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Infrastructure.Persistence.Bulk;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Infrastructure.Storage;
using Verification.Api.Pipeline;
using Verification.Api.WebConsole;
using Verification.Persistence;

// `backup <folder>` and `restore <folder>` run instead of the web host (see docs/operations.md).
if (BackupCommandLine.Handles(args))
    return await BackupCommandLine.RunAsync(args);

// Configuration is read once at start. Reloading on change would watch the whole content root, and the embedded
// database and evidence store live below it: every committed write woke the file watcher (5% of the CPU of a
// submission in the benchmark's profile). An operator's later argument can still turn it back on.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
builder.AddVerificationLogging();

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddVerificationDatabase(builder.Configuration);
builder.Services.AddVerificationIdentity(builder.Configuration);
builder.Services.AddAccounts();
builder.Services.AddTrustedProxies(builder.Configuration);
builder.Services.AddEvidenceStore(builder.Configuration);
builder.Services.AddScoped<AuditTrail>();
builder.Services.AddBulkWriters();
builder.Services.AddAuditIntegrity();
builder.Services.AddVerificationJobs(builder.Configuration);
builder.Services.AddVerificationOperations(builder.Configuration);
builder.Services.AddSingleton<WitnessProtector>();
builder.Services.AddKeysOutsideTheDatabase(builder.Configuration);
builder.Services.AddScoped<EvidenceResponses>();
builder.Services.AddPartnerAccess(builder.Configuration);
builder.Services.AddImports(builder.Configuration);
builder.Services.AddNulCharacterGuard();
builder.Services.AddClaimJobs();
builder.Services.AddReadModel();
builder.Services.AddEvidenceJobs();
builder.Services.AddAuditJobs();
builder.Services.AddMaintenanceJobs();
builder.Services.AddWorkQueues(builder.Configuration);
builder.Services.AddNotifications();
builder.Services.AddConsole();
builder.Services.AddScoped<ClaimProjectionRunner>();
builder.Services.AddClaimSearch();

builder.Services.AddMediator((Mediator.MediatorOptions options) =>
{
    options.ServiceLifetime = ServiceLifetime.Scoped;
    // Order matters: refuse bad input first, then an object the caller may not touch, then a missing If-Match;
    // only then open the transaction, inside which the handler and its audit entry run.
    options.PipelineBehaviors =
    [
        typeof(ValidationBehaviour<,>),
        typeof(AuthorizationBehaviour<,>),
        typeof(PreconditionBehaviour<,>),
        typeof(TransactionBehaviour<,>),
        typeof(AuditBehaviour<,>),
    ];
});
// Validators hold no state; built once, not per request (building one assembles its rule tree and property accessors).
builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton, includeInternalTypes: true);
// One message per field: a missing list is "required", not also "too long" and a crash in the next rule.
ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;

builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
    o.SerializerOptions.MaxDepth = 32;
});
// Binding failures (malformed JSON, a wrong type, an unknown enum value) reach the exception handler as problems.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
    ctx.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? ctx.HttpContext.TraceIdentifier);
builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
builder.Services.AddOpenApi(o => o.AddDocumentTransformer<SecuritySchemesTransformer>().AddOperationTransformer<OpenApiConventions>()
    .AddSchemaTransformer(NulCharacters.StringSchemas));
builder.Services.AddHealthChecks().AddDbContextCheck<VerificationDb>("database", tags: ["ready"]);
builder.Services.AddRateLimiter(o =>
{
    o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
    // Sign-in attempts per client address: lockout protects one account, this slows a spray across many.
    o.AddPolicy("sign-in", http => RateLimitPartition.GetFixedWindowLimiter(
        http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
        _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = builder.Configuration.GetValue("Auth:SignInsPerMinute", 30),
            Window = TimeSpan.FromMinutes(1),
        }));
    o.OnRejected = RateLimitProblems.WriteAsync;
});
// CORS stays closed unless an operator names the browser origins that may call the API.
var allowedOrigins = builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
if (allowedOrigins.Length > 0)
    builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(allowedOrigins).AllowAnyHeader().AllowAnyMethod()
        .WithExposedHeaders("ETag", "Location", "Retry-After", "X-Correlation-Id")));
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    k.Limits.MaxRequestBodySize = RequestLimits.MaxJsonBodyBytes;
});

var app = builder.Build();

try
{
    await app.Services.PrepareDatabaseAsync();
    await app.Services.PrepareKeysAsync(app.Logger);
    await BootstrapCoordinator.EnsureAsync(app.Services, app.Configuration, app.Logger);
    await app.Services.GetRequiredService<EvidenceStore>().SweepTemporaryFilesAsync();
    RecurringJobs.RegisterAtStart(app.Services, app.Logger, app.Lifetime.ApplicationStopping);
}
catch (InvalidOperationException e)
{
    app.Logger.LogCritical("Verification cannot start: {Reason}", e.Message);
    Console.Error.WriteLine($"Verification cannot start: {e.Message}");
    return 1;
}

app.UseTrustedProxies();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<CorrelationMiddleware>();
app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment() && !app.Environment.IsEnvironment("Testing"))
{
    app.UseHsts();
    app.UseHttpsRedirection();
}
// Routing after the headers every response carries: the health probes short-circuit here (OperationsSetup).
app.UseRouting();
if (allowedOrigins.Length > 0)
    app.UseCors();
app.UseMiddleware<RequestLimits>();
app.UseNulCharacterGuard();
app.UseAuthentication();
app.UseAccountChecks();
app.UseAuthorization();
app.UseAntiforgery();
app.UseRateLimiter();
app.MapJobsDashboardSignIn();
app.MapJobsDashboard();

app.MapApiReference();
app.MapOperationsEndpoints();
app.MapGet("/", () => TypedResults.Redirect("/app")).AllowAnonymous().ExcludeFromDescription();

var api = app.MapGroup("/api/v1");
api.MapAuthEndpoints();
api.MapUserEndpoints();
api.MapClaimEndpoints();
api.MapVerdictEndpoints();
api.MapEvidenceEndpoints();
api.MapAuditEndpoints();
api.MapPartnerEndpoints();
api.MapImportEndpoints();
api.MapQueueEndpoints();
api.MapCommentEndpoints();
api.MapNotificationEndpoints();
api.MapExportEndpoints();
api.MapJobCommandEndpoints();
api.MapReadModelEndpoints();
app.MapConsole();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the HTTP tests' WebApplicationFactory.</summary>
public partial class Program;
