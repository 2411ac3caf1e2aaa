// Signs in, creates an investigator, submits the Kidal claim and finds it in the list, all through the client that
// Kiota generated from /openapi/v1.json. Arguments: the API's base address, the coordinator's email and password.
using System.Net.Http.Headers;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Verification.Client;
using Verification.Client.Models;

var (baseUrl, email, password) = (args[0], args[1], args[2]);

VerificationClient Client(string? token)
{
    var http = new HttpClient();
    if (token is not null)
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    return new VerificationClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = baseUrl });
}

var coordinatorToken = (await Client(null).Api.V1.Auth.Login.PostAsync(new LoginRequest { Email = email, Password = password }))!.AccessToken!;
var investigatorEmail = $"kiota-{Guid.NewGuid():N}@example.org";
const string investigatorPassword = "a kiota client passphrase";
var user = await Client(coordinatorToken).Api.V1.Users.PostAsync(new CreateUserRequest
{
    Email = investigatorEmail, Password = investigatorPassword, Roles = ["Investigator"],
});
var investigator = Client((await Client(null).Api.V1.Auth.Login.PostAsync(
    new LoginRequest { Email = investigatorEmail, Password = investigatorPassword }))!.AccessToken);

var claim = await investigator.Api.V1.Claims.PostAsync(new ClaimInput
{
    Title = "Drone strikes on the former MINUSMA base in Kidal",
    Summary = "On the night of 29-30 March 2024, drones of the Malian Armed Forces, with the Wagner Group, struck the former MINUSMA base in Kidal held by the CSP.",
    ViolationTypes = [ViolationType.AttackCivilianHarm],
    Incident = new IncidentInput
    {
        StartDate = new Date(2024, 3, 29), EndDate = new Date(2024, 3, 30), TimePrecision = TimePrecision.Day,
        Location = new LocationInput { PlaceName = "Kidal", CountryCode = "ML", Latitude = 18.4411, Longitude = 1.4078, GeoPrecision = GeoPrecision.NearbyTown },
    },
    Perpetrators = [new PerpetratorInput { Name = "Malian Armed Forces (FAMa)", Type = PerpetratorType.StateForce }],
    Harm = new Harm { KilledMin = 0 },
    Sources = [new SourceInput { Type = SourceType.LocalMedia, Description = "Field report of 30 March 2024" }],
});
var page = await investigator.Api.V1.Claims.GetAsync(r => r.QueryParameters.Limit = 10);
var listed = page!.Items!.Single(c => c.Id == claim!.Id);
Console.WriteLine($"user {user!.Id} claim {claim!.Id} {claim.Reference} {claim.Status} listed {listed.Reference}");
return listed.Status == ClaimStage.Submitted ? 0 : 1;
