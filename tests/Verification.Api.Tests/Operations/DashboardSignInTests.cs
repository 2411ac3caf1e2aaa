using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Verification.Api.Tests.Infrastructure;

namespace Verification.Api.Tests.Operations;

/// <summary>The /jobs dashboard in a browser: a cookie from a sign-in form, for coordinators only.</summary>
public sealed partial class DashboardSignInTests(SqliteApiFixture fixture) : IClassFixture<SqliteApiFixture>
{
    private const string JobsCookie = ".Verification.Session";
    private TestApi Api => fixture.Api;

    [Fact]
    public async Task Anonymous_browser_at_the_dashboard_is_sent_to_the_sign_in_form()
    {
        var browser = Browser();
        foreach (var path in new[] { "/jobs", "/jobs/recurring" })
        {
            var response = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/jobs/sign-in", response.Headers.Location?.OriginalString);
        }
    }

    [Fact]
    public async Task Anonymous_request_that_does_not_ask_for_html_gets_401()
    {
        var response = await Api.Anonymous.GetAsync("/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Sign_in_form_has_no_script_and_a_policy_that_allows_only_its_own_form_post()
    {
        var response = await Browser().GetAsync("/jobs/sign-in");
        await Expect.Status(response, HttpStatusCode.OK);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("form-action 'self'", policy);
        Assert.DoesNotContain("script-src", policy);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(AntiforgeryField(), html);
    }

    [Fact]
    public async Task Coordinator_signed_in_through_the_form_gets_the_dashboard()
    {
        var browser = Browser();
        var signIn = await SignInThroughFormAsync(browser, ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/jobs", signIn.Headers.Location?.OriginalString);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(JobsCookie + "=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=strict", cookie);
        Assert.Contains("path=/;", cookie);

        var dashboard = await browser.GetAsync("/jobs");
        await Expect.Status(dashboard, HttpStatusCode.OK);
        Assert.Equal("text/html", dashboard.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Verification jobs", await dashboard.Content.ReadAsStringAsync());
        var recurring = await browser.GetAsync("/jobs/recurring");
        await Expect.Status(recurring, HttpStatusCode.OK);
        Assert.Contains("verify-audit-chain", await recurring.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Investigator_gets_no_dashboard_cookie_and_no_dashboard()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var browser = Browser();
        var signIn = await SignInThroughFormAsync(browser, investigator.Email, TestApi.Password);
        Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);
        Assert.DoesNotContain(SetCookies(signIn), c => c.StartsWith(JobsCookie + "=", StringComparison.Ordinal));
        var dashboard = await browser.GetAsync("/jobs");
        Assert.NotEqual(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task Bearer_tokens_do_not_open_the_dashboard()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        Assert.Equal(HttpStatusCode.Unauthorized, (await investigator.Client.GetAsync("/jobs")).StatusCode);
        // The dashboard reads its cookie only: not even a coordinator's bearer token opens it.
        var coordinator = await Api.CoordinatorAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await coordinator.GetAsync("/jobs")).StatusCode);
    }

    [Fact]
    public async Task Wrong_password_shows_the_form_again_without_a_cookie()
    {
        var signIn = await SignInThroughFormAsync(Browser(), ApiFactory.CoordinatorEmail, "not the coordinator's password");
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Contains("The sign-in was refused.", await signIn.Content.ReadAsStringAsync());
        Assert.DoesNotContain(SetCookies(signIn), c => c.StartsWith(JobsCookie + "=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sign_in_without_the_antiforgery_token_is_refused()
    {
        var browser = Browser();
        await browser.GetAsync("/jobs/sign-in"); // the antiforgery cookie is set, but the form field is left out
        var signIn = await browser.PostAsync("/jobs/sign-in", new FormUrlEncodedContent(
            [new("email", ApiFactory.CoordinatorEmail), new("password", ApiFactory.CoordinatorPassword)]));
        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.DoesNotContain(SetCookies(signIn), c => c.StartsWith(JobsCookie + "=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_dashboard_cookie_does_not_authenticate_the_API()
    {
        var signIn = await SignInThroughFormAsync(Browser(), ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        var cookie = SetCookies(signIn).Single(c => c.StartsWith(JobsCookie + "=", StringComparison.Ordinal)).Split(';')[0];
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users");
        request.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Anonymous.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_coordinator_who_loses_the_role_loses_the_dashboard_at_once()
    {
        var second = await Api.NewPersonAsync("Coordinator");
        var browser = Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await SignInThroughFormAsync(browser, second.Email, TestApi.Password)).StatusCode);
        await Expect.Status(await browser.GetAsync("/jobs"), HttpStatusCode.OK);

        var coordinator = await Api.CoordinatorAsync();
        await Expect.Status(await coordinator.PutAsJsonAsync($"/api/v1/users/{second.Id}/roles", new { roles = new[] { "Reviewer" } }), HttpStatusCode.OK);

        Assert.NotEqual(HttpStatusCode.OK, (await browser.GetAsync("/jobs")).StatusCode);
    }

    [Fact]
    public async Task In_production_behind_a_TLS_proxy_the_form_works_and_the_sign_in_cookie_is_Secure()
    {
        // The proxy ends TLS, so the API sees plain HTTP; the browser sees HTTPS and must get a Secure cookie.
        using var production = Api.Factory.WithWebHostBuilder(b => b.UseEnvironment("Production"));
        var browser = production.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var signIn = await SignInThroughFormAsync(browser, ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookie = SetCookies(signIn).Single(c => c.StartsWith(JobsCookie + "=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("secure", cookie.Split(';').Select(p => p.Trim()));
    }

    /// <summary>A client that behaves like a browser: keeps cookies, asks for HTML, and shows redirects instead of following them.</summary>
    private HttpClient Browser()
    {
        var client = Api.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return client;
    }

    private static async Task<HttpResponseMessage> SignInThroughFormAsync(HttpClient browser, string email, string password)
    {
        var form = await browser.GetAsync("/jobs/sign-in");
        await Expect.Status(form, HttpStatusCode.OK);
        var token = AntiforgeryField().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;
        return await browser.PostAsync("/jobs/sign-in", new FormUrlEncodedContent(
            [new("__antiforgery", token), new("email", email), new("password", password)]));
    }

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    [GeneratedRegex("name=\"__antiforgery\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
