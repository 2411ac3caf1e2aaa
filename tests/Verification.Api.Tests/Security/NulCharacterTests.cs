using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Tests.Imports;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Security;

/// <summary>
/// U+0000, which PostgreSQL cannot store or compare: the hostile-input generator, run on PostgreSQL, found a sign-in
/// and an audit filter answering 500 with it (SQLSTATE 22021), where SQLite answered and stored it. Every provider now
/// refuses it alike, and an upload's file name is kept as a name to show, without control or bidirectional-override
/// characters.
/// </summary>
public sealed class NulCharacterTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_NUL_in_a_JSON_string_or_a_query_string_is_400_on_every_provider(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var coordinator = await api.CoordinatorAsync();
        var investigator = await api.NewPersonAsync("Investigator");

        var login = await api.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "some\0one@test.local", password = "a wrong password here" });
        await Expect.ValidationProblem(login, "email");

        var audit = await coordinator.GetAsync("/api/v1/audit?target=x%00y");
        await Expect.ValidationProblem(audit, "target");
        var claims = await investigator.Client.GetAsync("/api/v1/claims?q=%00");
        await Expect.ValidationProblem(claims, "q");

        await using var db = api.Factory.CreateDb();
        var before = await db.Claims.CountAsync();
        var claim = Kidal.Claim();
        claim["title"] = "Strike\0 on the market";
        var submitted = await investigator.Client.PostAsJsonAsync("/api/v1/claims", claim);
        await Expect.ValidationProblem(submitted, "title");
        Assert.Equal(before, await db.Claims.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task An_import_row_with_a_NUL_fails_alone_and_the_others_are_imported(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var run = Guid.NewGuid().ToString("N")[..8];
        var bad = Kidal.Claim($"nul-{run}-1");
        bad["title"] = "Strike\0 on the market";
        var file = string.Join("\n", Kidal.Claim($"nul-{run}-0").ToJsonString(), bad.ToJsonString(), Kidal.Claim($"nul-{run}-2").ToJsonString()) + "\n";

        var id = await Importing.AcceptedAsync(await investigator.Client.UploadAsync(file, "claims.ndjson", new { format = "verification-ndjson" }));
        var import = await investigator.Client.FinishedAsync(id);

        Assert.Equal("Succeeded", import.Str("status"));
        Assert.Equal(2, import.Int("createdClaims"));
        Assert.Equal(1, import.Int("failedRows"));
        Assert.Equal(2, import.GetProperty("errors")[0].GetProperty("row").GetInt32());
        Assert.Equal(2, (await investigator.Client.ClaimsOfAsync(id)).Count);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task An_uploaded_file_name_is_kept_without_control_or_bidirectional_override_characters(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        const string boundary = "nul-test-boundary";
        var body = Encoding.UTF8.GetBytes(
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n" +
            "{\"kind\":\"Photo\",\"origin\":\"o\",\"stance\":\"Supports\"}\r\n" +
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"evil\0\u001b[31m\u202egnp.exe\"\r\nContent-Type: image/png\r\n\r\n" +
            $"bytes of {Guid.NewGuid()}\r\n--{boundary}--\r\n");
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");

        var response = await investigator.Client.PostAsync($"/api/v1/claims/{claim.GetProperty("id").GetGuid()}/evidence", content);

        await Expect.Status(response, HttpStatusCode.Created);
        Assert.Equal("evil[31mgnp.exe", (await response.Json()).GetProperty("fileName").GetString());
    }
}
