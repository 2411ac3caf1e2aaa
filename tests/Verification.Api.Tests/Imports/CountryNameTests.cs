using Verification.Api.Features.Imports.UcdpGed;

namespace Verification.Api.Tests.Imports;

/// <summary>UCDP's country names, as its GED releases write them, found in the platform's CLDR region data.</summary>
public sealed class CountryNameTests
{
    [Theory]
    [InlineData("Central African Republic", "CF")]
    [InlineData("DR Congo (Zaire)", "CD")]
    [InlineData("Congo", "CG")]
    [InlineData("Russia (Soviet Union)", "RU")]
    [InlineData("Cambodia (Kampuchea)", "KH")]
    [InlineData("Yemen (North Yemen)", "YE")]
    [InlineData("Serbia (Yugoslavia)", "RS")]
    [InlineData("Myanmar (Burma)", "MM")]
    [InlineData("Bosnia-Herzegovina", "BA")]
    [InlineData("Ivory Coast", "CI")]
    [InlineData("Kingdom of eSwatini (Swaziland)", "SZ")]
    [InlineData("United States of America", "US")]
    [InlineData("Mali", "ML")]
    [InlineData("south sudan", "SS")]
    [InlineData("Türkiye", "TR")]
    [InlineData("CAF", "CF")]
    public void A_UCDP_country_name_maps_to_its_ISO_code(string name, string code)
    {
        Assert.True(CountryNames.TryFind(name, out var found), $"'{name}' was not found");
        Assert.Equal(code, found);
    }

    [Theory]
    [InlineData("Atlantis")]
    [InlineData("")]
    [InlineData("Republic")]
    public void A_name_that_matches_no_country_is_not_guessed(string name) =>
        Assert.False(CountryNames.TryFind(name, out _));
}
