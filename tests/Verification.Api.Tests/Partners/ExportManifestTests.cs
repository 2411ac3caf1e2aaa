using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Partners;

/// <summary>
/// Every partner export has a signed manifest that a partner can check offline. The checks here are written from
/// API.md alone (SHA-256 of the bytes, each record's bytes, a DER ECDSA P-256 signature over the body under a published
/// key), not with the product's code.
/// </summary>
public sealed partial class ExportManifestTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Each_export_format_has_a_signed_manifest_that_names_every_record_and_the_exact_bytes_sent(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var evidenced = await world.FullyEvidencedAsync();
        var multiline = Kidal.Claim();
        multiline["summary"] = "Line one, with a comma.\r\nLine two; \"quoted\", and a formula-like =1+1 at the end.";
        await world.DecidedAsync(multiline);
        await world.DecidedAsync();
        var signed = await world.Coordinator.PostAsync("/api/v1/audit/heads", null);
        await Expect.Status(signed, HttpStatusCode.Created);
        var head = await signed.Json();
        var partner = await world.NewPartnerAsync("Public");
        var keys = await PublishedKeysAsync(world.Api.Anonymous);

        foreach (var format in new[] { "ndjson", "csv", "geojson" })
        {
            var export = await partner.Client.GetAsync($"/api/v1/partner/exports/claims?format={format}");
            await Expect.Status(export, HttpStatusCode.OK);
            var bytes = await export.Content.ReadAsByteArrayAsync();
            var exportId = export.Headers.GetValues("X-Export-Id").Single();

            var response = await partner.Client.GetAsync($"/api/v1/partner/exports/{exportId}/manifest");
            await Expect.Status(response, HttpStatusCode.OK);
            var body = await response.Content.ReadAsByteArrayAsync();
            VerifySignature(body, response.Headers.GetValues("Signature").Single(), keys);

            var manifest = JsonDocument.Parse(body).RootElement;
            Assert.Equal(exportId, manifest.GetProperty("exportId").GetString());
            Assert.Equal(format, manifest.GetProperty("format").GetString());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), manifest.GetProperty("sha256").GetString());
            var records = RecordsOf(format, bytes);
            Assert.Equal(3, records.Count);
            Assert.Equal(records.Count, manifest.GetProperty("recordCount").GetInt64());
            var listed = manifest.GetProperty("records").EnumerateArray().ToList();
            Assert.Equal(records.Count, listed.Count);
            for (var i = 0; i < records.Count; i++)
            {
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(records[i].Bytes)), listed[i].GetProperty("sha256").GetString());
                Assert.Equal(records[i].Id, listed[i].GetProperty("id").GetGuid());
                var staff = await world.Reviewer.Client.GetAsync($"/api/v1/claims/{records[i].Id}");
                Assert.Equal((await staff.Json()).GetProperty("version").GetInt64(), listed[i].GetProperty("version").GetInt64());
            }
            Assert.Contains(evidenced.Id, records.Select(r => r.Id));
            Assert.Equal(head.GetProperty("treeSize").GetInt64(), manifest.GetProperty("head").GetProperty("treeSize").GetInt64());
            Assert.Equal(head.GetProperty("rootHash").GetString(), manifest.GetProperty("head").GetProperty("rootHash").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_manifest_is_only_for_the_partner_that_exported(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        await world.DecidedAsync();
        var first = await world.NewPartnerAsync();
        var second = await world.NewPartnerAsync();
        var export = await first.Client.GetAsync("/api/v1/partner/exports/claims?format=ndjson");
        await export.Content.ReadAsByteArrayAsync();
        var exportId = export.Headers.GetValues("X-Export-Id").Single();

        await Expect.Problem(await second.Client.GetAsync($"/api/v1/partner/exports/{exportId}/manifest"), HttpStatusCode.NotFound);
        await Expect.Problem(await first.Client.GetAsync($"/api/v1/partner/exports/{Guid.CreateVersion7()}/manifest"), HttpStatusCode.NotFound);
        await Expect.Status(await world.Coordinator.GetAsync($"/api/v1/partner/exports/{exportId}/manifest"), HttpStatusCode.Forbidden);
        await Expect.Status(await first.Client.GetAsync($"/api/v1/partner/exports/{exportId}/manifest"), HttpStatusCode.OK);
    }

    private static async Task<Dictionary<string, string>> PublishedKeysAsync(HttpClient anonymous)
    {
        var keys = await anonymous.GetFromJsonAsync<JsonElement>("/api/v1/audit/keys");
        return keys.GetProperty("keys").EnumerateArray()
            .ToDictionary(k => k.GetProperty("keyId").GetString()!, k => k.GetProperty("publicKeyPem").GetString()!);
    }

    private static void VerifySignature(byte[] body, string header, Dictionary<string, string> keys)
    {
        var match = SignatureHeader().Match(header);
        Assert.True(match.Success, header);
        using var key = ECDsa.Create();
        key.ImportFromPem(keys[match.Groups["keyId"].Value]);
        var signature = Convert.FromBase64String(match.Groups["sig"].Value);
        Assert.True(key.VerifyData(body, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var changed = body.ToArray();
        changed[^2] ^= 1;
        Assert.False(key.VerifyData(changed, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    /// <summary>Each record's own bytes as API.md defines them, with the claim id it carries.</summary>
    private static List<(Guid Id, byte[] Bytes)> RecordsOf(string format, byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        switch (format)
        {
            case "ndjson":
                return [.. text.Split('\n').Where(l => l.Length > 0)
                    .Select(l => (JsonDocument.Parse(l).RootElement.GetProperty("id").GetGuid(), Encoding.UTF8.GetBytes(l)))];
            case "geojson":
                return [.. JsonDocument.Parse(bytes).RootElement.GetProperty("features").EnumerateArray()
                    .Select(f => (f.GetProperty("id").GetGuid(), Encoding.UTF8.GetBytes(f.GetRawText())))];
            default:
                // RFC 4180: a record ends at a CR LF outside quotes; the first record is the header.
                var rows = new List<string>();
                var start = 0;
                var quoted = false;
                for (var i = 0; i < text.Length; i++)
                {
                    if (text[i] == '"')
                        quoted = !quoted;
                    else if (!quoted && text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        rows.Add(text[start..i]);
                        start = i + 2;
                        i++;
                    }
                }
                Assert.Equal(text.Length, start);
                return [.. rows.Skip(1).Select(r => (Guid.Parse(r[..36]), Encoding.UTF8.GetBytes(r)))];
        }
    }

    [GeneratedRegex("^keyId=\"(?<keyId>[0-9a-f]+)\", sig=\"(?<sig>[A-Za-z0-9+/=]+)\"$")]
    private static partial Regex SignatureHeader();
}
