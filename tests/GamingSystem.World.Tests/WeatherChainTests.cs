using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.WeatherManager;
using GamingSystem.WeatherManager.Domain;

namespace GamingSystem.World.Tests;

public sealed class WeatherChainTests
{
    public static TheoryData<Climate> Climates => new(Enum.GetValues<Climate>());

    [Theory]
    [MemberData(nameof(Climates))]
    public void Every_row_of_every_climate_is_a_distribution(Climate climate)
    {
        var matrix = WeatherChain.Matrix(climate);

        Assert.Equal(WeatherChain.Conditions.Count, matrix.Length);
        Assert.All(matrix, row => Assert.Equal(1.0, row.Sum(), 9));
        Assert.All(matrix, row => Assert.All(row, p => Assert.InRange(p, 0, 1)));
        Assert.Equal(1.0, WeatherChain.Distribution(climate, Condition.Rain, 24).Sum(), 9);
    }

    [Fact]
    public void The_same_seed_region_and_hours_give_the_same_weather_and_another_seed_other_weather()
    {
        var first = WeatherChain.Run(7, Climate.Temperate, WeatherChain.Start(7, "quill", Climate.Temperate, 1000), 1200).ToList();
        var again = WeatherChain.Run(7, Climate.Temperate, WeatherChain.Start(7, "quill", Climate.Temperate, 1000), 1200).ToList();
        var other = WeatherChain.Run(8, Climate.Temperate, WeatherChain.Start(8, "quill", Climate.Temperate, 1000), 1200).ToList();

        Assert.Equal(200, first.Count);
        Assert.Equal(first, again);
        Assert.NotEqual(first.Select(w => w.Condition), other.Select(w => w.Condition));
        Assert.Equal(Enumerable.Range(1001, 200).Select(h => h * 60L), first.Select(w => w.GameMinutes));
        Assert.True(first.Select(w => w.Condition).Distinct().Count() >= 3, "a temperate chain visits several conditions in 200 hours");
    }

    [Fact]
    public void Weather_follows_its_climate()
    {
        var desert = WeatherChain.Run(1, Climate.Arid, WeatherChain.Start(1, "glass-waste", Climate.Arid, 0), 2000).ToList();
        var arctic = WeatherChain.Run(1, Climate.Arctic, WeatherChain.Start(1, "greywatch", Climate.Arctic, 0), 2000).ToList();

        Assert.DoesNotContain(desert, w => w.Condition is Condition.Snow or Condition.Fog);
        Assert.Contains(desert, w => w.Condition == Condition.Sandstorm);
        Assert.Contains(arctic, w => w.Condition == Condition.Snow);
        Assert.DoesNotContain(arctic, w => w.Condition is Condition.Rain or Condition.Sandstorm);
        Assert.True(desert.Average(w => w.TemperatureCelsius) > arctic.Average(w => w.TemperatureCelsius) + 30);
        Assert.All(arctic.Where(w => w.Condition == Condition.Snow), w => Assert.True(w.TemperatureCelsius <= 0.5));
        Assert.All(desert.Where(w => w.Condition == Condition.Clear), w => Assert.Equal(0, w.PrecipitationMm));
        Assert.All(arctic.Where(w => w.Condition == Condition.Snow), w => Assert.InRange(w.PrecipitationMm, 0.5, 3));
    }

    [Fact]
    public void The_days_warmest_hour_is_the_afternoon()
    {
        var clear = Enumerable.Range(0, 24).Select(h => WeatherChain.Step(3, "emberly", Climate.Arid, Condition.Clear, 24 * 50 + h)).ToList();
        var clearOnly = clear.Where(w => w.Condition == Condition.Clear).ToList();

        Assert.True(clearOnly.Count > 12);
        var warmest = clearOnly.MaxBy(w => w.TemperatureCelsius)!;
        Assert.InRange(warmest.GameMinutes / 60 % 24, 12, 18);
    }

    [Fact]
    public void A_forecast_is_the_chains_path_with_the_chance_of_each_hour_from_the_weather_now()
    {
        var region = new Region { Id = "saltmoor", Climate = Climate.Coastal };
        var now = WeatherChain.Start(5, region.Id, region.Climate, 500);

        var forecast = WeatherBook.Forecast(5, region, now, 6);

        var path = WeatherChain.Run(5, region.Climate, now, 506).ToList();
        Assert.Equal(path.Select(w => w.Condition), forecast.Hours.Select(h => h.Condition));
        Assert.Equal(Enumerable.Range(1, 6), forecast.Hours.Select(h => h.Hour));
        for (var i = 0; i < 6; i++)
        {
            var chance = WeatherChain.Distribution(region.Climate, now.Condition, i + 1)[WeatherChain.Index(path[i].Condition)];
            Assert.Equal(Math.Round(chance, 4), forecast.Hours[i].Probability);
        }

        Assert.Equal(WeatherChain.Matrix(Climate.Coastal)[WeatherChain.Index(now.Condition)][WeatherChain.Index(path[0].Condition)], forecast.Hours[0].Probability, 4);
    }
}
