using GamingSystem.Contracts.PerformanceMode.V1;
using GamingSystem.PerformanceMode.Quality;

namespace GamingSystem.Language.Tests;

public sealed class QualityAdvisorTests
{
    private static readonly QualityOptions Options = new();

    [Theory]
    [InlineData(45.0, 8.0)]
    [InlineData(45.0, 12.0)]
    [InlineData(80.0, 8.0)]
    [InlineData(60.0, 20.0)]
    [InlineData(40.0, 8.0)]
    public void A_noisy_frame_rate_near_a_threshold_changes_the_preset_at_most_once(double centre, double noise)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            var series = Enumerable.Range(0, 200).Select(_ => centre + ((random.NextDouble() * 2) - 1) * noise);

            var changes = Run(series, DeviceTier.High, out _).Skip(1).Count(r => r.Changed);

            Assert.True(changes <= 1, $"seed {seed}: {changes} changes around {centre} ± {noise}");
        }
    }

    [Fact]
    public void A_frame_rate_clearly_below_the_band_lowers_the_preset_and_again_only_if_it_gets_worse()
    {
        var recommendations = Run([.. Enumerable.Repeat(30.0, 15), .. Enumerable.Repeat(15.0, 12)], DeviceTier.High, out var state);
        var changes = recommendations.Skip(1).Where(r => r.Changed).ToList();

        Assert.Equal(QualityPreset.High, recommendations[0].Preset);
        Assert.Equal([QualityPreset.Medium, QualityPreset.Low], changes.Select(r => r.Preset));
        Assert.StartsWith("lowered to MEDIUM", changes[0].Reason, StringComparison.Ordinal);
        Assert.Contains(recommendations.Skip(8).Take(7), r => r.Reason.Contains("no better or worse", StringComparison.Ordinal));
        Assert.Equal(QualityPreset.Low, state!.Preset);
    }

    [Fact]
    public void A_single_bad_frame_changes_nothing()
    {
        var recommendations = Run([60, 60, 60, 10, 60, 60, 60, 60], DeviceTier.Mid, out _);

        Assert.All(recommendations.Skip(1), r => Assert.False(r.Changed, r.Reason));
        Assert.All(recommendations, r => Assert.Equal(QualityPreset.Medium, r.Preset));
    }

    [Fact]
    public void A_fast_device_is_raised_only_to_its_tiers_ceiling()
    {
        var recommendations = Run(Enumerable.Repeat(144.0, 40), DeviceTier.Low, out var state);

        Assert.Equal(QualityPreset.Medium, state!.Preset);
        Assert.Single(recommendations.Skip(1), r => r.Changed);
    }

    [Fact]
    public void A_high_ping_is_mentioned_but_does_not_lower_the_preset()
    {
        var (_, recommendation) = QualityAdvisor.Next(new QualityState(QualityPreset.High, 60, 0, 0, 5), new ClientSample(60, 400, DeviceTier.High), Options);

        Assert.Equal((QualityPreset.High, false), (recommendation.Preset, recommendation.Changed));
        Assert.Contains("ping 400 ms", recommendation.Reason, StringComparison.Ordinal);
    }

    private static List<QualityRecommendation> Run(IEnumerable<double> fps, DeviceTier tier, out QualityState? state)
    {
        state = null;
        var recommendations = new List<QualityRecommendation>();
        foreach (var f in fps)
        {
            (state, var recommendation) = QualityAdvisor.Next(state, new ClientSample(f, 40, tier), Options);
            recommendations.Add(recommendation);
        }

        return recommendations;
    }
}
