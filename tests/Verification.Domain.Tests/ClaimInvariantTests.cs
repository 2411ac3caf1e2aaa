using Verification.Domain.Claims;
using Verification.Domain.Common;

namespace Verification.Domain.Tests;

public class ClaimInvariantTests
{
    private static string FieldRefused(Action act) => Assert.Throws<InvariantViolation>(act).Field;

    // Harm: ranges, never negative, every sub-total within its total.

    [Fact]
    public void A_harm_minimum_cannot_exceed_its_maximum() =>
        Assert.Equal("harm.killedMin", FieldRefused(() => (Harm.Unknown with { KilledMin = 12, KilledMax = 4 }).Validated()));

    [Theory]
    [InlineData(-1, null, "harm.injuredMin")]
    [InlineData(null, -3, "harm.injuredMax")]
    public void Harm_counts_cannot_be_negative(int? min, int? max, string field) =>
        Assert.Equal(field, FieldRefused(() => (Harm.Unknown with { InjuredMin = min, InjuredMax = max }).Validated()));

    [Theory]
    [InlineData(0, 12, "harm.civiliansKilledMax")]
    [InlineData(11, 11, "harm.civiliansKilledMin")]
    public void Civilians_killed_cannot_exceed_the_killed_maximum(int civiliansMin, int civiliansMax, string field) =>
        Assert.Equal(field, FieldRefused(() => (Harm.Unknown with
        {
            KilledMin = 2,
            KilledMax = 10,
            CiviliansKilledMin = civiliansMin,
            CiviliansKilledMax = civiliansMax,
        }).Validated()));

    [Theory]
    [InlineData(0, 9, "harm.childrenKilledMax")]
    [InlineData(9, 9, "harm.childrenKilledMin")]
    public void Children_killed_cannot_exceed_the_civilians_killed_maximum(int childrenMin, int childrenMax, string field) =>
        Assert.Equal(field, FieldRefused(() => (Harm.Unknown with
        {
            KilledMin = 10,
            KilledMax = 20,
            CiviliansKilledMin = 5,
            CiviliansKilledMax = 8,
            ChildrenKilledMin = childrenMin,
            ChildrenKilledMax = childrenMax,
        }).Validated()));

    [Fact]
    public void Women_killed_cannot_exceed_the_civilians_killed_maximum() =>
        Assert.Equal("harm.womenKilledMax", FieldRefused(() => (Harm.Unknown with
        {
            CiviliansKilledMin = 1,
            CiviliansKilledMax = 3,
            WomenKilledMax = 4,
        }).Validated()));

    /// <summary>
    /// Children and women are part of the civilians, who are part of the killed: when the civilian figure is unknown,
    /// the killed figure still bounds them.
    /// </summary>
    [Theory]
    [InlineData("children")]
    [InlineData("women")]
    public void Children_or_women_killed_cannot_exceed_the_killed_maximum_when_civilians_are_unknown(string group)
    {
        var harm = group == "children"
            ? Harm.Unknown with { KilledMin = 2, KilledMax = 5, ChildrenKilledMin = 10, ChildrenKilledMax = 10 }
            : Harm.Unknown with { KilledMin = 2, KilledMax = 5, WomenKilledMin = 10, WomenKilledMax = 10 };

        Assert.StartsWith($"harm.{group}Killed", FieldRefused(() => harm.Validated()));
    }

    [Fact]
    public void The_field_names_carry_the_prefix_they_are_reported_under() =>
        Assert.Equal("verdict.harm.killedMin",
            FieldRefused(() => (Harm.Unknown with { KilledMin = 5, KilledMax = 1 }).Validated("verdict.harm")));

    [Fact]
    public void Consistent_ranges_and_unknown_harm_are_valid()
    {
        var harm = new Harm(3, 12, 0, 20, 2, 10, 0, 4, 1, 3);

        Assert.Same(harm, harm.Validated());
        Assert.Same(Harm.Unknown, Harm.Unknown.Validated());
    }

    // Incident: when it happened.

    [Fact]
    public void An_incident_cannot_end_before_it_starts() =>
        Assert.Equal("incident.endDate", FieldRefused(() =>
            Incident.Create(new DateOnly(2024, 3, 30), new DateOnly(2024, 3, 29), TimePrecision.Day, Kidal.Today)));

    [Fact]
    public void An_incident_cannot_end_in_the_future() =>
        Assert.Equal("incident.endDate", FieldRefused(() =>
            Incident.Create(new DateOnly(2024, 3, 29), Kidal.Today.AddDays(1), TimePrecision.Week, Kidal.Today)));

    [Fact]
    public void An_incident_without_an_end_date_is_one_day_that_cannot_be_in_the_future()
    {
        var day = Incident.Create(new DateOnly(2024, 3, 30), null, TimePrecision.Day, Kidal.Today);

        Assert.Equal(day.StartDate, day.EndDate);
        Assert.Equal("incident.endDate", FieldRefused(() => Incident.Create(Kidal.Today.AddDays(1), null, TimePrecision.Day, Kidal.Today)));
    }

    [Fact]
    public void An_incident_may_end_today() =>
        Assert.Equal(Kidal.Today, Incident.Create(new DateOnly(2024, 3, 29), Kidal.Today, TimePrecision.Month, Kidal.Today).EndDate);

    // Location: where it happened.

    [Theory]
    [InlineData("ZZ")]
    [InlineData("XX")]
    [InlineData("EU")]
    [InlineData("UN")]
    [InlineData("MLI")]
    [InlineData("M")]
    [InlineData("")]
    [InlineData(null)]
    public void A_location_needs_an_assigned_country_code(string? code) =>
        Assert.Equal("incident.location.countryCode", FieldRefused(() =>
            Location.Create("Kidal", code, null, null, null, null, GeoPrecision.Region)));

    [Theory]
    [InlineData("ML")]
    [InlineData("ml")]
    [InlineData(" Ml ")]
    public void A_country_code_is_kept_in_upper_case(string code) =>
        Assert.Equal("ML", Location.Create("Kidal", code, null, null, null, null, GeoPrecision.Region).CountryCode);

    [Theory]
    [InlineData("SY")]
    [InlineData("UA")]
    [InlineData("PS")]
    [InlineData("XK")]
    public void Countries_where_casualties_are_recorded_are_accepted(string code) =>
        Assert.Equal(code, Location.Create("Somewhere", code, null, null, null, null, GeoPrecision.Region).CountryCode);

    [Theory]
    [InlineData(91.0, 1.4, "incident.location.latitude")]
    [InlineData(-90.5, 1.4, "incident.location.latitude")]
    [InlineData(18.4, 181.0, "incident.location.longitude")]
    public void Coordinates_must_be_on_the_globe(double latitude, double longitude, string field) =>
        Assert.Equal(field, FieldRefused(() => Location.Create("Kidal", "ML", null, null, latitude, longitude, GeoPrecision.Exact)));

    [Theory]
    [InlineData(18.44, null)]
    [InlineData(null, 1.41)]
    public void A_location_has_both_coordinates_or_neither(double? latitude, double? longitude) =>
        Assert.Equal("incident.location.latitude", FieldRefused(() =>
            Location.Create("Kidal", "ML", null, null, latitude, longitude, GeoPrecision.Exact)));

    [Fact]
    public void A_location_needs_a_place_name() =>
        Assert.Equal("incident.location.placeName", FieldRefused(() =>
            Location.Create("  ", "ML", null, null, null, null, GeoPrecision.Region)));

    // Claim details as a whole.

    [Fact]
    public void A_claim_names_at_least_one_violation_type()
    {
        Assert.Equal("violationTypes", FieldRefused(() => Details(violationTypes: [])));
        Assert.Equal("violationTypes", FieldRefused(() => Details(violationTypes: null, nullTypes: true)));
    }

    [Fact]
    public void A_claim_names_at_least_one_source()
    {
        Assert.Equal("sources", FieldRefused(() => Details(sources: [])));
        Assert.Equal("sources", FieldRefused(() => Details(sources: null, nullSources: true)));
    }

    [Fact]
    public void Violation_types_are_kept_once_each()
    {
        var details = Details(violationTypes: [ViolationType.Torture, ViolationType.UnlawfulKilling, ViolationType.Torture]);

        Assert.Equal([ViolationType.UnlawfulKilling, ViolationType.Torture], details.ViolationTypes);
    }

    [Fact]
    public void A_perpetrator_needs_a_name() =>
        Assert.Equal("perpetrators[1].name", FieldRefused(() => ClaimDetails.Create("Title", "Summary", [ViolationType.Other],
            Kidal.Incident(), Kidal.Location(),
            [new Perpetrator("Wagner Group", PerpetratorType.ForeignOrPrivateMilitary), new Perpetrator(" ", PerpetratorType.Unknown)],
            null, [new Source(SourceType.Witness, null, null)])));

    [Fact]
    public void A_submitted_claim_keeps_what_the_submitter_wrote()
    {
        var claim = Claim.Submit(Guid.NewGuid(), 17, People.Investigator, Kidal.Now, Kidal.Details());

        Assert.Equal(ClaimStage.Submitted, claim.Stage);
        Assert.Equal(1, claim.Version);
        Assert.Equal("ML", claim.Location.CountryCode);
        Assert.Equal(["Malian Armed Forces (FAMa)", "Wagner Group"], claim.Perpetrators.Select(p => p.Name));
        Assert.Equal([ViolationType.AttackCivilianHarm], claim.ViolationTypes);
        Assert.Equal(SourceType.LocalMedia, Assert.Single(claim.Sources).Type);
    }

    // The human reference.

    [Fact]
    public void A_reference_is_the_year_and_the_six_digit_number() =>
        Assert.Equal("VC-2024-000017", Claim.FormatReference(2024, 17));

    [Fact]
    public void A_submitted_claim_is_referenced_by_its_year_of_submission() =>
        Assert.Equal("VC-2024-000017", Given.ASubmittedClaim().Reference);

    [Theory]
    [InlineData(2024, 17)]
    [InlineData(1999, 1)]
    [InlineData(2031, 1_234_567)]
    public void A_reference_parses_back_to_its_number(int year, long number)
    {
        Assert.True(Claim.TryParseReference(Claim.FormatReference(year, number), out var parsed));
        Assert.Equal(number, parsed);
    }

    [Theory]
    [InlineData(" vc-2024-000017 ")]
    public void A_reference_is_parsed_whatever_its_case_and_surrounding_space(string text)
    {
        Assert.True(Claim.TryParseReference(text, out var number));
        Assert.Equal(17, number);
    }

    [Theory]
    [InlineData("17")]
    [InlineData("VC-2024")]
    [InlineData("XY-2024-000017")]
    [InlineData("VC-2024-00A017")]
    [InlineData("VC-2024--17")]
    [InlineData("VC-2024-000017-1")]
    public void Text_that_is_not_a_reference_does_not_parse(string text) =>
        Assert.False(Claim.TryParseReference(text, out _));

    private static ClaimDetails Details(ViolationType[]? violationTypes = null, Source[]? sources = null,
        bool nullTypes = false, bool nullSources = false) =>
        ClaimDetails.Create(
            "Drone strikes on the former MINUSMA base in Kidal",
            "Drones struck the base on the night of 29–30 March 2024.",
            nullTypes ? null : violationTypes ?? [ViolationType.AttackCivilianHarm],
            Kidal.Incident(),
            Kidal.Location(),
            [new Perpetrator("Malian Armed Forces (FAMa)", PerpetratorType.StateForce)],
            Harm.Unknown,
            nullSources ? null : sources ?? [new Source(SourceType.LocalMedia, "Local radio", null)]);
}
