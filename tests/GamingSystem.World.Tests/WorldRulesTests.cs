using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.ServiceDefaults.Messaging;
using GamingSystem.WorldState;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.World.Tests;

public sealed class WorldRulesTests
{
    [Theory]
    [InlineData("danger", "region.danger")]
    [InlineData("population", "region.population")]
    [InlineData("controlling_faction", "region.controlling_faction")]
    [InlineData("tags", "region.tags")]
    [InlineData("name", "update_mask")]
    [InlineData("climate", "update_mask")]
    public void An_update_names_the_field_at_fault(string path, string field)
    {
        var request = new UpdateRegionRequest
        {
            RegionId = "quill",
            Region = new Region { Danger = 11, Population = -1, ControllingFaction = " ", Tags = { "Not A Tag" } },
            UpdateMask = new FieldMask { Paths = { path } },
        };

        var refused = Assert.Throws<ServiceException>(() => WorldRules.Update(request));

        Assert.Equal((ErrorCode.InvalidArgument, field), (refused.Code, refused.Error.Field));
    }

    [Fact]
    public void A_valid_update_returns_its_paths_once_each_and_an_empty_mask_or_bad_version_is_refused()
    {
        var valid = new UpdateRegionRequest
        {
            RegionId = "quill",
            Region = new Region { Danger = 10, Population = 0, Tags = { "a-b", "c" } },
            UpdateMask = new FieldMask { Paths = { "danger", "population", "tags", "danger" } },
        };
        var empty = new UpdateRegionRequest { RegionId = "quill", Region = new Region() };
        var version = new UpdateRegionRequest { RegionId = "quill", Region = new Region(), UpdateMask = new FieldMask { Paths = { "danger" } }, ExpectedVersion = 0 };
        var duplicateTags = new UpdateRegionRequest { RegionId = "quill", Region = new Region { Tags = { "a", "a" } }, UpdateMask = new FieldMask { Paths = { "tags" } } };

        Assert.Equal(["danger", "population", "tags"], WorldRules.Update(valid));
        Assert.Equal("update_mask", Assert.Throws<ServiceException>(() => WorldRules.Update(empty)).Error.Field);
        Assert.Equal("expected_version", Assert.Throws<ServiceException>(() => WorldRules.Update(version)).Error.Field);
        Assert.Equal("region.tags", Assert.Throws<ServiceException>(() => WorldRules.Update(duplicateTags)).Error.Field);
    }

    [Theory]
    [InlineData(0, 50)]
    [InlineData(1, 1)]
    [InlineData(100, 100)]
    public void A_page_size_of_zero_is_the_default(int asked, int given) => Assert.Equal(given, WorldRules.PageSize(asked));

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void A_page_size_outside_1_to_100_is_refused(int asked) =>
        Assert.Equal("page_size", Assert.Throws<ServiceException>(() => WorldRules.PageSize(asked)).Error.Field);
}
