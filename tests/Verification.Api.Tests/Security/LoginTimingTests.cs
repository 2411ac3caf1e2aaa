using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;
using Xunit.Abstractions;

namespace Verification.Api.Tests.Security;

/// <summary>
/// A sign-in must not tell, by its answer or its duration, whether an email has an account (OWASP API2): an unknown
/// email is checked against a decoy hash, so both refusals cost one password-hash verification.
/// </summary>
public sealed class LoginTimingTests(ITestOutputHelper output)
{
    private const int Samples = 30;
    private const int WarmUp = 5;

    [Fact]
    public async Task A_sign_in_with_an_unknown_email_takes_as_long_as_one_with_a_wrong_password()
    {
        // Lockout would end the hashing for the known account after five failures (a locked account is refused
        // before its password is checked), so this host allows more failures than the test makes.
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite,
            new Dictionary<string, string?> { ["Auth:MaxFailedAttempts"] = "1000" });
        var person = await api.NewPersonAsync("Investigator");
        var client = api.Anonymous;
        var known = new { email = person.Email, password = "not the password of this account" };
        var unknown = new { email = $"nobody-{Guid.NewGuid():N}@test.local", password = "not the password of this account" };

        async Task<(double Ms, string Body)> Time(object body)
        {
            var watch = Stopwatch.StartNew();
            var response = await client.PostAsJsonAsync("/api/v1/auth/login", body);
            var answer = await response.Content.ReadAsStringAsync();
            watch.Stop();
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            return (watch.Elapsed.TotalMilliseconds, answer);
        }

        for (var i = 0; i < WarmUp; i++)
        {
            await Time(known);
            await Time(unknown);
        }
        var knownTimes = new List<double>();
        var unknownTimes = new List<double>();
        string? knownAnswer = null, unknownAnswer = null;
        // Interleaved, so that a burst of load from another process slows both kinds alike.
        for (var i = 0; i < Samples; i++)
        {
            var first = i % 2 == 0 ? known : unknown;
            var second = i % 2 == 0 ? unknown : known;
            var a = await Time(first);
            var b = await Time(second);
            var (k, u) = i % 2 == 0 ? (a, b) : (b, a);
            knownTimes.Add(k.Ms);
            unknownTimes.Add(u.Ms);
            knownAnswer ??= k.Body;
            unknownAnswer ??= u.Body;
        }

        var knownMedian = Median(knownTimes);
        var unknownMedian = Median(unknownTimes);
        var ratio = unknownMedian / knownMedian;
        output.WriteLine($"{Samples} interleaved samples each after {WarmUp} warm-up pairs: median {knownMedian:0.0} ms for a known email " +
                         $"with a wrong password, {unknownMedian:0.0} ms for an unknown email (ratio {ratio:0.00}).");
        // The same refusal, word for word but for the trace id.
        Assert.Equal(Strip(knownAnswer!), Strip(unknownAnswer!));
        // Generous on purpose: it fails when one path skips the hash (a ratio of 10 or more), not on a noisy machine.
        Assert.InRange(ratio, 0.5, 2.0);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Strip(string problem) => System.Text.RegularExpressions.Regex.Replace(problem, "\"traceId\":\"[^\"]*\"", "");
}
