using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

/// <summary>
/// Corrects a claim with a JSON merge patch (RFC 7396) on what its submitter wrote. The patched claim must pass the
/// very rules a submission passes (<see cref="ClaimInputValidator"/>, then the domain's invariants), so an edit can
/// never make a claim that could not have been submitted. Anyone who can see the claim may edit it: its submitter, an
/// assigned investigator, a reviewer, a coordinator (the authorization behaviour hides it from everyone else).
/// </summary>
public static class EditClaim
{
    public sealed record Command(Guid ClaimId, long? ExpectedVersion, JsonElement Patch) : ICommand<ClaimResponse>, IVersionedClaimCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Patch).Must(p => p.ValueKind == JsonValueKind.Object)
                .WithMessage("A merge patch is a JSON object of the fields to change (null removes an optional field).");
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock, IOptions<JsonOptions> json,
        IValidator<ClaimInput> validator) : ICommandHandler<Command, ClaimResponse>
    {
        public async ValueTask<ClaimResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var claim = await db.LoadForChangeAsync(command.ClaimId, command.ExpectedVersion, cancellationToken);
            var options = json.Value.SerializerOptions;
            var current = AsInput(claim);
            var merged = JsonMergePatch.Apply(JsonSerializer.SerializeToNode(current, options), JsonNode.Parse(command.Patch.GetRawText()));
            ClaimInput input;
            try
            {
                input = merged.Deserialize<ClaimInput>(options)!;
            }
            catch (JsonException e)
            {
                var field = e.Path is { Length: > 2 } path ? path[2..] : "patch";
                throw new ValidationException([new ValidationFailure(field, "This value has the wrong type for the field.")]);
            }
            if (!string.Equals(input.ExternalId, current.ExternalId, StringComparison.Ordinal))
                throw new ValidationException([new ValidationFailure("externalId", "externalId names the record in another system and is not edited.")]);
            var checkedInput = await validator.ValidateAsync(input, cancellationToken);
            if (!checkedInput.IsValid)
                throw new ValidationException(checkedInput.Errors);

            claim.Edit(input.ToDetails(clock.LatestToday()), user.Id, clock.GetUtcNow().UtcDateTime);
            return await db.SaveAndReadAsync(claim.Id, cancellationToken);
        }

        /// <summary>The claim as its submitter would send it: the document the patch applies to.</summary>
        private static ClaimInput AsInput(Claim claim) => new(
            claim.Title, claim.Summary, claim.ViolationTypes,
            new IncidentInput(claim.Incident.StartDate, claim.Incident.EndDate, claim.Incident.TimePrecision,
                new LocationInput(claim.Location.PlaceName, claim.Location.CountryCode, claim.Location.Admin1, claim.Location.Admin2,
                    claim.Location.Latitude, claim.Location.Longitude, claim.Location.GeoPrecision)),
            [.. claim.Perpetrators.Select(p => new PerpetratorInput(p.Name, p.Type))],
            claim.Harm,
            [.. claim.Sources.Select(s => new SourceInput(s.Type, s.Description, s.Url))],
            claim.ExternalId);
    }
}
