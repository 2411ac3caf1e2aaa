using System.Net;
using System.Net.Http.Json;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.Foundation;

/// <summary>A value that cannot be bound answers a plain 400 that names it and says what it must look like.</summary>
public sealed class BindingProblemTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Every_binding_failure_names_the_parameter_and_its_expected_form_and_no_NET_type(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var partner = await world.NewPartnerAsync();
        var staff = world.Coordinator;

        async Task Refused(HttpResponseMessage response, string field, params string[] words)
        {
            var problem = await Expect.ValidationProblem(response, field);
            var text = problem.ToString();
            foreach (var word in words)
                Assert.True(text.Contains(word, StringComparison.Ordinal), $"'{word}' is missing from {text}");
            foreach (var internalName in new[] { "Nullable", "System.", "DateTimeOffset", "DateOnly", "Int32", "Guid ", "Verification." })
                Assert.False(text.Contains(internalName, StringComparison.Ordinal), $"'{internalName}' is in {text}");
        }

        await Refused(await partner.Client.GetAsync("/api/v1/partner/claims?updatedSince=yesterday"), "updatedSince",
            "updatedSince", "ISO 8601", "'yesterday'");
        await Refused(await partner.Client.GetAsync("/api/v1/partner/exports/claims?rating=Excellent"), "rating",
            "rating", "Confirmed, Fair, Weak, Contested, Discounted");
        await Refused(await staff.GetAsync("/api/v1/claims?from=30/03/2024"), "from", "from", "2024-03-30");
        await Refused(await staff.GetAsync("/api/v1/claims?status=Pending"), "status", "status", "Submitted", "InCorroboration");
        await Refused(await staff.GetAsync("/api/v1/claims?limit=many"), "limit", "limit", "whole number");
        await Refused(await staff.GetAsync("/api/v1/claims?importId=42"), "importId", "importId", "UUID");
        await Refused(await staff.GetAsync("/api/v1/audit?from=soon"), "from", "from", "ISO 8601");

        // A JSON body: the field by its JSON path, and its expected values.
        var claim = Kidal.Claim();
        claim["incident"]!["timePrecision"] = "Hourly";
        await Refused(await world.Investigator.Client.PostAsJsonAsync("/api/v1/claims", claim), "incident.timePrecision",
            "incident.timePrecision", "Day, Week, Month");
        claim = Kidal.Claim();
        claim["incident"]!["startDate"] = "the 29th";
        await Refused(await world.Investigator.Client.PostAsJsonAsync("/api/v1/claims", claim), "incident.startDate", "incident.startDate", "2024-03-30");
    }
}
