using System.Text;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Security;

/// <summary>
/// Found by the hostile-input generator (10,000 run): a multipart body that ends inside its JSON part (metadata,
/// options) made the part's reader throw an IOException that nothing caught, a 500. It is a 400, like a body cut short
/// inside the file part, on both upload routes, and nothing is kept.
/// </summary>
public sealed class TruncatedMultipartTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_body_cut_short_inside_the_JSON_part_is_400_and_keeps_nothing(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        await using var db = api.Factory.CreateDb();
        var (evidence, imports) = (await db.Evidence.CountAsync(), await db.Imports.CountAsync());

        foreach (var (path, part, json) in new[]
                 {
                     ($"/api/v1/claims/{claim.GetProperty("id").GetGuid()}/evidence", "metadata", """{"kind":"Photo","origin":"o","stance":"Supports","title":"a title"}"""),
                     ("/api/v1/imports", "options", """{"format":"ucdp-ged-csv","dryRun":false}"""),
                 })
        {
            const string boundary = "cut-short-boundary";
            var whole = $"--{boundary}\r\nContent-Disposition: form-data; name=\"{part}\"\r\nContent-Type: application/json\r\n\r\n{json}\r\n--{boundary}--\r\n";
            var cut = whole[..(whole.IndexOf(json, StringComparison.Ordinal) + json.Length / 2)];
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(cut));
            content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");

            var response = await investigator.Client.PostAsync(path, content);

            await Expect.ValidationProblem(response, "multipart");
        }
        Assert.Equal(evidence, await db.Evidence.CountAsync());
        Assert.Equal(imports, await db.Imports.CountAsync());
        Assert.Empty(Directory.Exists(Path.Combine(api.Factory.EvidencePath, ".tmp")) ? Directory.GetFiles(Path.Combine(api.Factory.EvidencePath, ".tmp")) : []);
    }
}
