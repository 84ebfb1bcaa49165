using GamingSystem.BodyBrokerIntegration.Domain;
using GamingSystem.Contracts.BodyBrokerIntegration.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Economy.Tests;

public sealed class OfferRulesTests
{
    [Fact]
    public void A_body_is_stored_lowercased_and_trimmed()
    {
        var body = OfferRules.Body(new BodySpec { Species = " Vat-Grown ", Condition = 100, Augmentations = { " night-eyes ", "gill graft" } });

        Assert.Equal("vat-grown", body.Species);
        Assert.Equal(["night-eyes", "gill graft"], body.Augmentations);
    }

    [Theory]
    [InlineData("", 50, "body.species")]
    [InlineData("two words", 50, "body.species")]
    [InlineData("synth", -1, "body.condition")]
    [InlineData("synth", 101, "body.condition")]
    public void A_bad_body_names_its_field(string species, int condition, string field)
    {
        var refused = Assert.Throws<ServiceException>(() => OfferRules.Body(new BodySpec { Species = species, Condition = condition }));

        Assert.Equal((ErrorCode.InvalidArgument, field), (refused.Code, refused.Error.Field));
    }

    [Fact]
    public void Augmentations_are_bounded_in_number_and_length()
    {
        var many = new BodySpec { Species = "synth", Augmentations = { Enumerable.Range(0, 11).Select(i => $"a{i}") } };
        var blank = new BodySpec { Species = "synth", Augmentations = { "  " } };

        Assert.Equal("body.augmentations", Assert.Throws<ServiceException>(() => OfferRules.Body(many)).Error.Field);
        Assert.Equal("body.augmentations", Assert.Throws<ServiceException>(() => OfferRules.Body(blank)).Error.Field);
        Assert.Equal("body", Assert.Throws<ServiceException>(() => OfferRules.Body(null)).Error.Field);
    }

    [Fact]
    public void A_search_defaults_to_open_offers_twenty_a_page()
    {
        var search = OfferRules.Search(new ListOffersRequest { Species = "Synth" });

        Assert.Equal((OfferStatus.Open, 20, "synth"), (search.Status, search.PageSize, search.Species));
    }

    [Theory]
    [InlineData(0, 100, null, OfferStatus.Open, true)]
    [InlineData(0, 100, null, OfferStatus.Sold, false)]
    [InlineData(81, 100, null, OfferStatus.Open, false)]
    [InlineData(80, 100, null, OfferStatus.Open, true)]
    [InlineData(0, 100, 99L, OfferStatus.Open, false)]
    [InlineData(0, 100, 100L, OfferStatus.Open, true)]
    [InlineData(0, 100, 0L, OfferStatus.Open, false)]
    public void Filters_combine(int minCondition, long price, long? maxPrice, OfferStatus status, bool matches)
    {
        var request = new ListOffersRequest { Species = "synth", MinCondition = minCondition, Status = status };
        if (maxPrice is { } cap)
        {
            request.MaxPrice = cap;
        }

        var offer = new Offer { Body = new BodySpec { Species = "synth", Condition = 80 }, Price = price, Status = OfferStatus.Open };

        Assert.Equal(matches, OfferRules.Matches(OfferRules.Search(request), offer));
        Assert.False(OfferRules.Matches(OfferRules.Search(new ListOffersRequest { Species = "human" }), offer));
    }

    [Theory]
    [InlineData(101, 0, 20, "", "min_condition")]
    [InlineData(0, -1L, 20, "", "max_price")]
    [InlineData(0, 0L, 101, "", "page_size")]
    [InlineData(0, 0L, 20, "not-a-token", "page_token")]
    public void A_bad_search_names_its_field(int minCondition, long maxPrice, int pageSize, string token, string field)
    {
        var request = new ListOffersRequest { MinCondition = minCondition, PageSize = pageSize, PageToken = token };
        if (maxPrice != 0)
        {
            request.MaxPrice = maxPrice;
        }

        Assert.Equal(field, Assert.Throws<ServiceException>(() => OfferRules.Search(request)).Error.Field);
    }

    [Fact]
    public void Prices_are_one_to_a_trillion()
    {
        OfferRules.Price(1);
        OfferRules.Price(OfferRules.MaxPrice);
        Assert.Equal("price", Assert.Throws<ServiceException>(() => OfferRules.Price(0)).Error.Field);
        Assert.Equal("price", Assert.Throws<ServiceException>(() => OfferRules.Price(OfferRules.MaxPrice + 1)).Error.Field);
    }
}
