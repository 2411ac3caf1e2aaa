using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Partners;
using Verification.Api.Features.ReadModel;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Tests.Imports;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Operations;
using Verification.Api.Tests.Partners;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.ReadModel;

/// <summary>
/// The read side (docs/decisions, stored claim documents): after every kind of command, each claim's stored documents
/// are byte for byte a fresh projection and what the assembled path answers; reads send them with their ETag and 304;
/// no document holds a witness identity; the integrity check finds a tampered one and the rebuild restores it.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class ReadModelTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task After_every_command_kind_the_stored_documents_equal_a_fresh_projection_and_the_assembled_answers(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var coordinator = world.Coordinator;
        var investigator = world.Investigator.Client;
        var reviewer = world.Reviewer.Client;
        var colleague = await world.Api.NewPersonAsync("Investigator");
        var publicPartner = await world.NewPartnerAsync("Public");
        var restrictedPartner = await world.NewPartnerAsync("Restricted");
        var documents = new Documents(world.Api, publicPartner, restrictedPartner);
        var marker = Guid.NewGuid().ToString("N");
        var witnessName = $"Distinctive Witness {marker}";
        var witnessContact = $"+223 {marker[..10]}";

        // Submit.
        var (a, etagA) = await investigator.SubmitClaimAsync();
        var idA = a.GetProperty("id").GetGuid();
        await documents.AssertCurrentAsync("submit");

        // Edit (PATCH, a JSON merge patch).
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/claims/{idA}")
        {
            Content = new StringContent("""{"title":"Drone strikes on the former camp in Kidal, corrected"}""", Encoding.UTF8, "application/merge-patch+json"),
        };
        patch.Headers.TryAddWithoutValidation("If-Match", etagA);
        var edited = await investigator.SendAsync(patch);
        await Expect.Status(edited, HttpStatusCode.OK);
        await documents.AssertCurrentAsync("edit");

        // Triage one claim.
        var triaged = await reviewer.PostWithIfMatch($"/api/v1/claims/{idA}/triage", new { decision = "Accept" }, edited.Headers.ETag!.Tag);
        await Expect.Status(triaged, HttpStatusCode.OK);
        await documents.AssertCurrentAsync("triage");

        // Bulk triage: two more claims, one decision.
        var (b, _) = await investigator.SubmitClaimAsync();
        var (c, _) = await investigator.SubmitClaimAsync();
        var idB = b.GetProperty("id").GetGuid();
        var idC = c.GetProperty("id").GetGuid();
        var bulk = await reviewer.PostAsJsonAsync("/api/v1/claims/triage", new
        {
            decision = "Accept",
            items = new[] { new { id = idB, version = b.GetProperty("version").GetInt64() }, new { id = idC, version = c.GetProperty("version").GetInt64() } },
        });
        await Expect.Status(bulk, HttpStatusCode.OK);
        Assert.All((await bulk.Json()).GetProperty("results").EnumerateArray(), r => Assert.Equal(200, r.GetProperty("status").GetInt32()));
        await documents.AssertCurrentAsync("bulk triage");

        // Assign an investigator, name a reviewer, release the reviewer.
        var assigned = await coordinator.PostWithIfMatch($"/api/v1/claims/{idA}/assignments", new { userId = colleague.Id }, await coordinator.ETagOf(idA));
        await Expect.Status(assigned, HttpStatusCode.OK);
        await documents.AssertCurrentAsync("assign investigator");
        var named = await coordinator.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{idA}/reviewer", new { userId = world.Reviewer.Id }, assigned.Headers.ETag!.Tag);
        await Expect.Status(named, HttpStatusCode.OK);
        await documents.AssertCurrentAsync("assign reviewer");
        var released = await coordinator.SendWithIfMatch(HttpMethod.Delete, $"/api/v1/claims/{idA}/reviewer", null, named.Headers.ETag!.Tag);
        await Expect.Status(released, HttpStatusCode.OK);
        await documents.AssertCurrentAsync("release reviewer");

        // Evidence: a testimony with a distinctive witness, and its review.
        var testimony = await investigator.PostAsJsonAsync($"/api/v1/claims/{idA}/evidence", new
        {
            kind = "Testimony",
            origin = "Resident of Kidal",
            stance = "Supports",
            testimony = new { text = "I saw the drones at night.", witness = new { name = witnessName, contact = witnessContact } },
        });
        await Expect.Status(testimony, HttpStatusCode.Created);
        await documents.AssertCurrentAsync("evidence add");
        var review = await reviewer.PostAsJsonAsync($"/api/v1/evidence/{(await testimony.Json()).GetProperty("id").GetGuid()}/review",
            new { decision = "Accept", sourceReliability = "B", informationCredibility = 2 });
        await Expect.Status(review, HttpStatusCode.OK);
        await documents.AssertCurrentAsync("evidence review");

        // Propose and reject, propose and confirm.
        var rejectedProposal = await reviewer.PostWithIfMatch($"/api/v1/claims/{idA}/verdict-proposals",
            new { rating = "Weak", rationale = "One source only." }, await reviewer.ETagOf(idA));
        await Expect.Status(rejectedProposal, HttpStatusCode.Created);
        await documents.AssertCurrentAsync("propose");
        var rejected = await world.SecondReviewer.Client.PostWithIfMatch(
            $"/api/v1/claims/{idA}/verdict-proposals/{(await rejectedProposal.Json()).GetProperty("id").GetGuid()}/reject",
            new { reason = "The testimony corroborates more than that." }, rejectedProposal.Headers.ETag!.Tag);
        await Expect.Status(rejected, HttpStatusCode.OK);
        await documents.AssertCurrentAsync("reject");
        await world.DecideAsync(idA, await reviewer.ETagOf(idA), "Weak", new { killedMin = 2, killedMax = 5 });
        await documents.AssertCurrentAsync("confirm");
        await documents.AssertPartnerDocumentsAsync(idA, decided: true);

        // Reopen, withdraw.
        await world.ReopenAsync(idA);
        await documents.AssertCurrentAsync("reopen");
        await documents.AssertPartnerDocumentsAsync(idA, decided: false);
        var withdrawn = await investigator.PostWithIfMatch($"/api/v1/claims/{idB}/withdraw", new { reason = "Reported twice." }, await investigator.ETagOf(idB));
        await Expect.Status(withdrawn, HttpStatusCode.OK);
        await documents.AssertCurrentAsync("withdraw");

        // Decide one claim for good, so the partner routes have something to answer.
        await world.DecideAsync(idC, await reviewer.ETagOf(idC), "Weak");
        await documents.AssertCurrentAsync("confirm again");

        // Import: a slice of the UCDP sample, created by the background import.
        var lines = (await File.ReadAllLinesAsync(Importing.UcdpCsv)).Take(11);
        var import = await investigator.UploadAsync(string.Join('\n', lines) + "\n", "events.csv", new { format = "ucdp-ged-csv", dryRun = false, datasetVersion = "23.1" });
        var importId = await Importing.AcceptedAsync(import);
        var finished = await investigator.FinishedAsync(importId);
        Assert.True(finished.GetProperty("createdClaims").GetInt32() > 0, $"the slice creates claims: {finished}");
        await documents.AssertCurrentAsync("import", http: false);

        // The list routes answer the same bytes as the assembled lists did.
        await documents.AssertListsAsync();

        // No stored document, staff or partner, holds the witness's identity, in any row.
        await using (var db = world.Api.Factory.CreateDb())
        {
            var rows = await db.ClaimDocuments.AsNoTracking().ToListAsync();
            Assert.True(rows.Count >= 4);
            foreach (var row in rows)
            {
                foreach (var bytes in new[] { row.Staff, row.PartnerPublic, row.PartnerRestricted })
                {
                    if (bytes is null)
                        continue;
                    var text = Encoding.UTF8.GetString(bytes);
                    Assert.DoesNotContain(witnessName, text, StringComparison.Ordinal);
                    Assert.DoesNotContain(witnessContact, text, StringComparison.Ordinal);
                    Assert.DoesNotContain(marker, text, StringComparison.Ordinal);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_read_with_the_current_ETag_in_If_None_Match_is_answered_304_without_a_body(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var partner = await world.NewPartnerAsync("Restricted");
        var id = await world.DecidedAsync();

        foreach (var (client, url) in new[] { (world.Reviewer.Client, $"/api/v1/claims/{id}"), (partner.Client, $"/api/v1/partner/claims/{id}") })
        {
            var first = await client.GetAsync(url);
            await Expect.Status(first, HttpStatusCode.OK);
            var etag = first.Headers.ETag!.Tag;
            Assert.Equal($"\"{(await first.Json()).GetProperty("version").GetInt64()}\"", etag);

            var again = new HttpRequestMessage(HttpMethod.Get, url);
            again.Headers.TryAddWithoutValidation("If-None-Match", etag);
            var notModified = await client.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Equal(etag, notModified.Headers.ETag!.Tag);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

            var stale = new HttpRequestMessage(HttpMethod.Get, url);
            stale.Headers.TryAddWithoutValidation("If-None-Match", "\"1\"");
            var full = await client.SendAsync(stale);
            await Expect.Status(full, HttpStatusCode.OK);
            Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await full.Content.ReadAsByteArrayAsync());
        }

        // A claim the caller may not see stays 404 whatever If-None-Match says.
        var stranger = await world.Api.NewPersonAsync("Investigator");
        var hidden = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/claims/{id}");
        hidden.Headers.TryAddWithoutValidation("If-None-Match", "*");
        await Expect.Problem(await stranger.Client.SendAsync(hidden), HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_tampered_document_is_reported_by_the_integrity_check_and_the_rebuild_restores_it(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider, IntegrityJobTests.FreshMetrics);
        var api = world.Api;
        var partner = await world.NewPartnerAsync("Public");
        var documents = new Documents(api, partner, await world.NewPartnerAsync("Restricted"));
        var claim = await world.FullyEvidencedAsync();
        var other = await world.DecidedAsync();
        await documents.AssertCurrentAsync("setup");

        var intact = await api.RunCheckAsync(RecurringJobs.VerifyAuditChainId, ClaimDocumentCheck.Name);
        Assert.True(intact.Passed);
        Assert.True(intact.Checked >= 2);
        var before = Operations.Operations.Samples(await api.ScrapeAsync(), "verification_readmodel_mismatches_total").Single().Value;

        // Someone with database access rewrites the verdict in the stored partner document (and the staff one).
        await using (var db = api.Factory.CreateDb())
        {
            var stored = await db.ClaimDocuments.AsNoTracking().SingleAsync(d => d.ClaimId == claim.Id);
            var forged = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(stored.PartnerPublic!).Replace("\"Fair\"", "\"Strong\""));
            Assert.NotEqual(stored.PartnerPublic, forged);
            Assert.Equal(1, await db.ClaimDocuments.Where(d => d.ClaimId == claim.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.PartnerPublic, forged).SetProperty(d => d.Staff, forged)));
        }

        var check = await api.RunCheckAsync(RecurringJobs.VerifyAuditChainId, ClaimDocumentCheck.Name);
        Assert.False(check.Passed);
        Assert.Equal(1, check.Failures);
        Assert.Equal(claim.Id, check.FirstFailureId);
        var ready = await api.ReadyAsync();
        Assert.Equal("Degraded", ready.GetProperty("status").GetString());
        Assert.Equal("Degraded", ready.CheckStatus(ClaimDocumentCheck.Name));
        Assert.Equal("Healthy", ready.CheckStatus("audit-chain"));
        // The exporter caches a scrape for a moment, so the counter is read until it shows the finding.
        await Eventually.Until(async () => Operations.Operations.Samples(await api.ScrapeAsync(), "verification_readmodel_mismatches_total").Single().Value,
            mismatches => mismatches >= before + 1, "the mismatch counter to count the forged document", seconds: 30);

        // A document that is missing altogether (a database from before the read side) is still answered right.
        await using (var db = api.Factory.CreateDb())
            Assert.Equal(1, await db.ClaimDocuments.Where(d => d.ClaimId == other).ExecuteDeleteAsync());
        await documents.AssertServedAsync(other);

        // Only a coordinator rebuilds; the rebuild restores both, and the next check passes.
        await Expect.Problem(await world.Reviewer.Client.PostAsync("/api/v1/operations/read-model/rebuild", null), HttpStatusCode.Forbidden);
        var rebuild = await world.Coordinator.PostAsync("/api/v1/operations/read-model/rebuild", null);
        await Expect.Status(rebuild, HttpStatusCode.Accepted);
        Assert.False(string.IsNullOrEmpty((await rebuild.Json()).GetProperty("jobId").GetString()));
        await Eventually.Until(documents.MismatchesAsync, m => m.Count == 0, "the rebuild to restore the documents", diagnose: api.JobsReport);
        await documents.AssertCurrentAsync("rebuild");
        Assert.True((await api.RunCheckAsync(RecurringJobs.VerifyAuditChainId, ClaimDocumentCheck.Name)).Passed);
        Assert.Equal("Healthy", (await api.ReadyAsync()).CheckStatus(ClaimDocumentCheck.Name));
        await using (var db = api.Factory.CreateDb())
            Assert.Contains(await db.AuditEntries.Select(e => e.Action).ToListAsync(), a => a == nameof(RebuildReadModel));
    }

    /// <summary>What the test compares: the stored rows, a fresh projection, the assembled answers and the HTTP answers.</summary>
    private sealed class Documents(TestApi api, PartnerAccess publicPartner, PartnerAccess restrictedPartner)
    {
        /// <summary>Claims whose stored documents are missing or differ from a fresh projection.</summary>
        public async Task<List<string>> MismatchesAsync()
        {
            await using var scope = api.Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
            var builder = scope.ServiceProvider.GetRequiredService<ClaimDocumentBuilder>();
            var ids = await db.Claims.AsNoTracking().Select(c => c.Id).ToListAsync();
            var stored = await db.ClaimDocuments.AsNoTracking().ToDictionaryAsync(d => d.ClaimId);
            var fresh = await builder.BuildAsync(db, ids, CancellationToken.None);
            var problems = new List<string>();
            foreach (var id in ids)
            {
                if (!stored.TryGetValue(id, out var row))
                    problems.Add($"{id}: no document");
                else if (!ClaimDocumentBuilder.Matches(row, fresh[id]))
                    problems.Add($"{id}: stored v{row.Version} {Text(row.Staff)} / {Text(row.PartnerPublic)}; fresh v{fresh[id].Version} {Text(fresh[id].Staff)} / {Text(fresh[id].PartnerPublic)}");
            }
            return problems;
        }

        /// <summary>
        /// Every claim has a document equal to a fresh projection and to the assembled answers (the Mediator queries the
        /// routes used before: GetClaim, the partner reader), and the routes send exactly those bytes with the version as ETag.
        /// </summary>
        public async Task AssertCurrentAsync(string after, bool http = true)
        {
            var problems = await MismatchesAsync();
            Assert.True(problems.Count == 0, $"after {after}: {string.Join("\n", problems)}");

            await using var scope = api.Factory.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<ActingUser>().Actor = JobActor.System;
            var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
            var sender = scope.ServiceProvider.GetRequiredService<ISender>();
            var reader = scope.ServiceProvider.GetRequiredService<PartnerClaimReader>();
            var json = scope.ServiceProvider.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            foreach (var row in await db.ClaimDocuments.AsNoTracking().ToListAsync())
            {
                var assembled = JsonSerializer.SerializeToUtf8Bytes(await sender.Send(new GetClaim.Query(row.ClaimId)), json);
                Assert.True(assembled.AsSpan().SequenceEqual(row.Staff), $"after {after}: staff document of {row.ClaimId}\n{Text(row.Staff)}\n{Text(assembled)}");
                foreach (var (level, stored) in new[] { (SharingLevel.Public, row.PartnerPublic), (SharingLevel.Restricted, row.PartnerRestricted) })
                {
                    var partnerClaim = await reader.FindAsync(row.ClaimId, level, CancellationToken.None);
                    var expected = partnerClaim is null ? null : JsonSerializer.SerializeToUtf8Bytes(partnerClaim, json);
                    Assert.True(expected is null ? stored is null : stored is not null && expected.AsSpan().SequenceEqual(stored),
                        $"after {after}: {level} document of {row.ClaimId}\n{Text(stored)}\n{Text(expected)}");
                }
                if (http)
                    await AssertServedAsync(row.ClaimId);
            }
        }

        /// <summary>The staff and partner routes answer a fresh projection's bytes, with the claim's version as ETag.</summary>
        public async Task AssertServedAsync(Guid claimId)
        {
            await using var scope = api.Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
            var fresh = (await scope.ServiceProvider.GetRequiredService<ClaimDocumentBuilder>().BuildAsync(db, [claimId], CancellationToken.None))[claimId];
            var coordinator = await api.CoordinatorAsync();
            var staff = await coordinator.GetAsync($"/api/v1/claims/{claimId}");
            await Expect.Status(staff, HttpStatusCode.OK);
            Assert.Equal(Text(fresh.Staff), Text(await staff.Content.ReadAsByteArrayAsync()));
            Assert.Equal(ETags.For(fresh.Version), staff.Headers.ETag!.Tag);
            Assert.Equal("application/json", staff.Content.Headers.ContentType!.MediaType);
            foreach (var (partner, expected) in new[] { (publicPartner, fresh.PartnerPublic), (restrictedPartner, fresh.PartnerRestricted) })
            {
                var answer = await partner.Client.GetAsync($"/api/v1/partner/claims/{claimId}");
                if (expected is null)
                {
                    await Expect.Problem(answer, HttpStatusCode.NotFound);
                    continue;
                }
                await Expect.Status(answer, HttpStatusCode.OK);
                Assert.Equal(Text(expected), Text(await answer.Content.ReadAsByteArrayAsync()));
                Assert.Equal(ETags.For(fresh.Version), answer.Headers.ETag!.Tag);
            }
        }

        /// <summary>A claim's partner documents exist exactly while it is decided; the Restricted one keeps the exact coordinates.</summary>
        public async Task AssertPartnerDocumentsAsync(Guid claimId, bool decided)
        {
            await using var db = api.Factory.CreateDb();
            var row = await db.ClaimDocuments.AsNoTracking().SingleAsync(d => d.ClaimId == claimId);
            Assert.Equal(decided, row.PartnerPublic is not null);
            Assert.Equal(decided, row.PartnerRestricted is not null);
            if (decided)
            {
                Assert.Contains("\"latitude\":18.4,", Text(row.PartnerPublic));
                Assert.Contains("\"latitude\":18.4411,", Text(row.PartnerRestricted));
                Assert.Contains("\"auditSequence\":", Text(row.PartnerPublic));
            }
        }

        /// <summary>The list routes, page by page, answer the bytes the assembled lists serialize to.</summary>
        public async Task AssertListsAsync()
        {
            await using var scope = api.Factory.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<ActingUser>().Actor = JobActor.System;
            var sender = scope.ServiceProvider.GetRequiredService<ISender>();
            var json = scope.ServiceProvider.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var coordinator = await api.CoordinatorAsync();
            string? cursor = null;
            var pages = 0;
            do
            {
                var assembled = await sender.Send(new ListClaims.Query(null, null, null, null, null, null, null, 3, cursor));
                var served = await coordinator.GetAsync($"/api/v1/claims?limit=3{(cursor is null ? "" : $"&cursor={cursor}")}");
                await Expect.Status(served, HttpStatusCode.OK);
                Assert.Equal(Text(JsonSerializer.SerializeToUtf8Bytes(assembled, json)), Text(await served.Content.ReadAsByteArrayAsync()));
                cursor = assembled.NextCursor;
                pages++;
            }
            while (cursor is not null);
            Assert.True(pages >= 2);

            foreach (var partner in new[] { publicPartner, restrictedPartner })
            {
                var level = partner == publicPartner ? SharingLevel.Public : SharingLevel.Restricted;
                var assembled = await sender.Send(new ListPartnerClaims.Query(new PartnerCaller(partner.Id, level), null, null, null, null, 50, null));
                Assert.NotEmpty(assembled.Items);
                var served = await partner.Client.GetAsync("/api/v1/partner/claims");
                await Expect.Status(served, HttpStatusCode.OK);
                Assert.Equal(Text(JsonSerializer.SerializeToUtf8Bytes(assembled, json)), Text(await served.Content.ReadAsByteArrayAsync()));
            }
            await Expect.ValidationProblem(await coordinator.GetAsync("/api/v1/claims?limit=0"), "limit");
        }

        private static string Text(byte[]? bytes) => bytes is null ? "(null)" : Encoding.UTF8.GetString(bytes);
    }
}
