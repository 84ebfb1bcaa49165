using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.NpcBehavior.Domain;

namespace GamingSystem.Content.Tests;

public sealed class NeedsDecayTests
{
    [Fact]
    public void Each_need_grows_by_its_rate_per_hour_shaped_by_traits()
    {
        var after = NeedsDecay.After(new Needs(), new Traits { Sociability = 1, Greed = 0 }, 2);

        Assert.Equal(new Needs { Hunger = 0.1, Rest = 0.08, Social = 0.08, Safety = 0.02, Wealth = 0.02 }, after);
    }

    [Fact]
    public void Needs_stop_at_one_and_no_hours_change_nothing()
    {
        var needs = new Needs { Hunger = 0.99, Rest = 0.5 };

        Assert.Equal(1.0, NeedsDecay.After(needs, new Traits(), 10).Hunger);
        Assert.Equal(needs, NeedsDecay.After(needs, new Traits(), 0));
        Assert.Equal(needs, NeedsDecay.After(needs, new Traits(), -3));
    }
}
