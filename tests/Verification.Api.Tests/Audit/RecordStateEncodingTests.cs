using Verification.Api.Features.Claims;
using Verification.Api.Infrastructure.Integrity;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Evidence;

namespace Verification.Api.Tests.Audit;

/// <summary>
/// The canonical state encoding (docs/integrity.md, "Covered records") is part of every audit entry ever written: a
/// deployment's chain holds digests computed by every earlier build, and verification recomputes them with this one. The
/// digests below were computed by the encoder as it stood before its buffers were reused (2026-12-07); any change to how
/// a value is written, however small (a number's format, a time's precision, text's UTF-8), fails here before it reaches
/// a stored chain. The records hold every kind of value: absent ones, non-ASCII text with a character outside the BMP,
/// doubles, times with sub-microsecond ticks, enums, lists.
/// </summary>
public sealed class RecordStateEncodingTests
{
    private static readonly DateTime Now = new DateTime(2024, 3, 30, 14, 5, 6, DateTimeKind.Utc).AddTicks(1_234_567);

    [Fact]
    public void A_claims_state_digest_is_the_one_every_earlier_build_computed()
    {
        var details = ClaimDetails.Create("Kidal – frappe de drone près du marché 🇲🇱",
            "Des témoins décrivent une frappe sur le marché de Kidal.\nSecond line with \"quotes\" and a tab\t.",
            [ViolationType.AttackCivilianHarm, ViolationType.UnlawfulKilling],
            Incident.Create(new DateOnly(2024, 3, 29), new DateOnly(2024, 3, 30), TimePrecision.Day, new DateOnly(2024, 4, 1)),
            Location.Create("Kidal", "ML", "Kidal", null, 18.4411, -1.4078, GeoPrecision.NearbyTown),
            [new Perpetrator("Unknown", PerpetratorType.Unknown), new Perpetrator("Armée ñ", PerpetratorType.StateForce)],
            new Harm(3, 7, null, 2, 3, 5, null, null, 0, 1),
            [new Source(SourceType.LocalMedia, "Radio report", "https://example.org/report?a=1&b=é"), new Source(SourceType.Other, "UCDP", null)]);
        var claim = Claim.Submit(Guid.Parse("0190f1c2-3b4a-7c5d-8e6f-a1b2c3d4e5f6"), 42, Guid.Parse("0190f1c2-0000-7000-8000-000000000001"),
            Now, details, "ucdp-ged:123456", Guid.Parse("0190f1c2-0000-7000-8000-0000000000aa"));

        Assert.Equal("73243dcd5b5cba1966500dd29e251ba0c6c706577ba93b7b6d56e70239e54ed3", RecordStates.DigestOf(claim));
    }

    [Fact]
    public void An_evidence_items_state_digest_is_the_one_every_earlier_build_computed()
    {
        var item = EvidenceItem.Receive(Guid.Parse("0190f1c2-3b4a-7c5d-8e6f-0000000000e1"), Guid.Parse("0190f1c2-3b4a-7c5d-8e6f-a1b2c3d4e5f6"),
            new EvidenceItem.Intake(EvidenceKind.Photo, "Photo du marché", null, null, Now.AddDays(-1), "Équipe Gao", "Téléphone d'un témoin",
                EvidenceStance.Supports, null, null),
            new EvidenceItem.StoredContent(new string('a', 64), 1_048_577, "image/jpeg", "image/jpeg", "marché.jpg", null),
            Guid.Parse("0190f1c2-0000-7000-8000-000000000002"), Now);

        Assert.Equal("984fff698356c1bdfabf56ab66e51ebe661fd7b1a30eab775c5a8315c2fce0db", RecordStates.DigestOf(item));
    }

    [Fact]
    public void A_commands_change_digest_is_the_one_every_earlier_build_computed()
    {
        // What an imported row's audit entry records: the import, the row and the claim asked for (ImportClaims).
        var change = new
        {
            importId = Guid.Parse("0190f1c2-0000-7000-8000-0000000000aa"),
            row = 7,
            claim = new ClaimInput("Kidal – frappe 🇲🇱", "Des témoins décrivent \"une frappe\".\n<script>&", [ViolationType.AttackCivilianHarm],
                new IncidentInput(new DateOnly(2024, 3, 29), null, TimePrecision.Day,
                    new LocationInput("Kidal", "ML", null, null, 18.4411, -1.4078, GeoPrecision.NearbyTown)),
                [new PerpetratorInput("Unknown", PerpetratorType.Unknown)], new Harm(3, 7, null, null, null, null, null, null, null, null),
                [new SourceInput(SourceType.Other, "UCDP", "https://example.org/?a=1&b=é")], "ucdp-ged:123456"),
            witness = new Secret("a name that must not reach the chain"),
        };

        Assert.Equal("f62c22c0f075e672eabaa40140897e7fb841ba16bb016c5fd3635d3789ba3ee8", AuditDigest.Of(change));
    }

    private sealed record Secret([property: NotAudited] string Name);
}
