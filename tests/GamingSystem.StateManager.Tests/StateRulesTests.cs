using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.StateManager.Tests;

/// <summary>The documented limits of the state API, each at its edge and one past it.</summary>
public sealed class StateRulesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(512)]
    public void A_key_up_to_512_characters_is_accepted(int length) => StateRules.Key(new string('k', length));

    [Theory]
    [InlineData("a..b")]
    [InlineData("v1.2/.hidden/...")]
    [InlineData("a//b")]
    public void Dots_within_a_segment_are_fine(string key) => StateRules.Key(key);

    [Theory]
    [InlineData("", "is required")]
    [InlineData(null, "is 513 characters; the limit is 512")]
    [InlineData("a\nb", "control characters")]
    [InlineData("..", "'..' segments")]
    [InlineData("players/../admin", "'..' segments")]
    [InlineData("./a", "'..' segments")]
    [InlineData("a/.", "'..' segments")]
    public void A_bad_key_is_invalid_argument_naming_the_field(string? key, string reason)
    {
        var error = Assert.Throws<ServiceException>(() => StateRules.Key(key ?? new string('k', 513)));

        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal("key", error.Error.Field);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void A_prefix_may_be_empty_but_not_too_long()
    {
        StateRules.Prefix(string.Empty);
        StateRules.Prefix(new string('p', 512));

        Assert.Equal("prefix", Assert.Throws<ServiceException>(() => StateRules.Prefix(new string('p', 513))).Error.Field);
        Assert.Equal("prefix", Assert.Throws<ServiceException>(() => StateRules.Prefix("a\u0000")).Error.Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    [InlineData(7L)]
    public void An_expected_version_of_zero_or_more_is_accepted(long? expected) => StateRules.ExpectedVersion(expected);

    [Fact]
    public void A_negative_expected_version_is_invalid_argument()
    {
        var error = Assert.Throws<ServiceException>(() => StateRules.ExpectedVersion(-1));

        Assert.Equal("expectedVersion", error.Error.Field);
        Assert.Equal("expectedVersion: must be 0 (key must not exist) or a version returned earlier", error.Message);
    }

    [Fact]
    public void A_value_of_one_mebibyte_is_accepted_and_one_byte_more_is_not()
    {
        StateRules.Value(1024 * 1024);

        var error = Assert.Throws<ServiceException>(() => StateRules.Value((1024 * 1024) + 1));

        Assert.Equal("value", error.Error.Field);
        Assert.Contains("1048577 bytes; the limit is 1048576", error.Message);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(365L * 24 * 3600)]
    public void A_ttl_from_zero_to_a_year_is_accepted(long ttl) => StateRules.TtlSeconds(ttl);

    [Theory]
    [InlineData(-1L)]
    [InlineData((365L * 24 * 3600) + 1)]
    public void A_ttl_below_zero_or_over_a_year_is_invalid_argument(long ttl)
    {
        var error = Assert.Throws<ServiceException>(() => StateRules.TtlSeconds(ttl));

        Assert.Equal("ttlSeconds", error.Error.Field);
        Assert.Contains("31536000", error.Message);
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 1)]
    [InlineData(1000, 1000)]
    public void A_page_size_is_used_as_given_and_zero_means_the_default(int given, int used) =>
        Assert.Equal(used, StateRules.PageSize(given));

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public void A_page_size_out_of_range_is_invalid_argument(int given)
    {
        var error = Assert.Throws<ServiceException>(() => StateRules.PageSize(given));

        Assert.Equal("pageSize", error.Error.Field);
        Assert.Contains("between 1 and 1000", error.Message);
    }
}
