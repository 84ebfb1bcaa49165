using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.Contracts.WorldState.V1;

namespace GamingSystem.WeatherManager.Domain;

/// <summary>
/// A region's weather as a seeded Markov chain over <see cref="Condition"/>, one step per game hour, with a transition
/// matrix per climate. Every draw comes from (seed, region, hour), so the same seed and the same ticks give the same
/// weather anywhere, and the hours ahead can be known before they come: the forecast is the chain's own future.
/// </summary>
public static class WeatherChain
{
    /// <summary>The conditions in matrix order.</summary>
    public static readonly IReadOnlyList<Condition> Conditions =
        [Condition.Clear, Condition.Cloudy, Condition.Fog, Condition.Rain, Condition.Storm, Condition.Snow, Condition.Sandstorm];

    /// <summary>How many hours back the chain starts from clear skies when a region is first seen, so its start looks like any hour.</summary>
    public const int WarmUpHours = 24;

    // Rows: from clear, cloudy, fog, rain, storm, snow, sandstorm; columns in the same order. Each row sums to 1.
    private static readonly Dictionary<Climate, double[][]> Matrices = new()
    {
        [Climate.Temperate] =
        [
            [0.50, 0.30, 0.05, 0.12, 0.03, 0.00, 0.00],
            [0.25, 0.40, 0.10, 0.20, 0.05, 0.00, 0.00],
            [0.30, 0.35, 0.25, 0.10, 0.00, 0.00, 0.00],
            [0.15, 0.35, 0.05, 0.35, 0.10, 0.00, 0.00],
            [0.05, 0.30, 0.00, 0.45, 0.20, 0.00, 0.00],
            [0.20, 0.50, 0.00, 0.20, 0.00, 0.10, 0.00],
            [1.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
        ],
        [Climate.Arid] =
        [
            [0.75, 0.15, 0.00, 0.02, 0.03, 0.00, 0.05],
            [0.50, 0.40, 0.00, 0.05, 0.03, 0.00, 0.02],
            [0.60, 0.40, 0.00, 0.00, 0.00, 0.00, 0.00],
            [0.40, 0.40, 0.00, 0.15, 0.05, 0.00, 0.00],
            [0.30, 0.30, 0.00, 0.20, 0.20, 0.00, 0.00],
            [1.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
            [0.35, 0.15, 0.00, 0.00, 0.05, 0.00, 0.45],
        ],
        [Climate.Arctic] =
        [
            [0.40, 0.30, 0.05, 0.00, 0.05, 0.20, 0.00],
            [0.20, 0.40, 0.05, 0.00, 0.05, 0.30, 0.00],
            [0.20, 0.30, 0.30, 0.00, 0.00, 0.20, 0.00],
            [0.10, 0.40, 0.00, 0.10, 0.00, 0.40, 0.00],
            [0.05, 0.20, 0.00, 0.00, 0.35, 0.40, 0.00],
            [0.15, 0.30, 0.05, 0.00, 0.10, 0.40, 0.00],
            [1.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
        ],
        [Climate.Tropical] =
        [
            [0.45, 0.25, 0.02, 0.20, 0.08, 0.00, 0.00],
            [0.20, 0.35, 0.05, 0.30, 0.10, 0.00, 0.00],
            [0.30, 0.30, 0.20, 0.20, 0.00, 0.00, 0.00],
            [0.15, 0.25, 0.02, 0.40, 0.18, 0.00, 0.00],
            [0.05, 0.15, 0.00, 0.45, 0.35, 0.00, 0.00],
            [0.30, 0.40, 0.00, 0.30, 0.00, 0.00, 0.00],
            [1.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
        ],
        [Climate.Mountain] =
        [
            [0.45, 0.30, 0.10, 0.05, 0.03, 0.07, 0.00],
            [0.20, 0.40, 0.15, 0.10, 0.05, 0.10, 0.00],
            [0.15, 0.35, 0.35, 0.05, 0.00, 0.10, 0.00],
            [0.10, 0.35, 0.10, 0.30, 0.10, 0.05, 0.00],
            [0.05, 0.25, 0.05, 0.20, 0.30, 0.15, 0.00],
            [0.10, 0.30, 0.10, 0.00, 0.10, 0.40, 0.00],
            [1.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
        ],
        [Climate.Coastal] =
        [
            [0.45, 0.30, 0.10, 0.10, 0.05, 0.00, 0.00],
            [0.20, 0.40, 0.15, 0.20, 0.05, 0.00, 0.00],
            [0.15, 0.30, 0.45, 0.10, 0.00, 0.00, 0.00],
            [0.10, 0.30, 0.10, 0.35, 0.15, 0.00, 0.00],
            [0.05, 0.20, 0.05, 0.40, 0.30, 0.00, 0.00],
            [0.20, 0.50, 0.00, 0.30, 0.00, 0.00, 0.00],
            [1.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
        ],
    };

    private static readonly Dictionary<Climate, (double Mean, double DailySwing)> Temperatures = new()
    {
        [Climate.Temperate] = (12, 5),
        [Climate.Arid] = (28, 10),
        [Climate.Arctic] = (-12, 3),
        [Climate.Tropical] = (27, 4),
        [Climate.Mountain] = (2, 6),
        [Climate.Coastal] = (14, 3),
    };

    /// <summary>The transition matrix of a climate; an unspecified climate is temperate.</summary>
    public static double[][] Matrix(Climate climate) => Matrices.GetValueOrDefault(climate) ?? Matrices[Climate.Temperate];

    /// <summary>The weather at <paramref name="gameHour"/>, one step on from the condition of the hour before.</summary>
    public static Weather Step(long seed, string regionId, Climate climate, Condition previous, long gameHour)
    {
        var row = Matrix(climate)[Index(previous)];
        var condition = Sample(row, Draw(seed, regionId, gameHour, 0));
        return Measure(seed, regionId, climate, condition, gameHour);
    }

    /// <summary>The weather of a region first seen at <paramref name="gameHour"/>: the chain run from clear skies a day earlier.</summary>
    public static Weather Start(long seed, string regionId, Climate climate, long gameHour)
    {
        var condition = Condition.Clear;
        for (var hour = gameHour - WarmUpHours + 1; hour < gameHour; hour++)
        {
            condition = Step(seed, regionId, climate, condition, hour).Condition;
        }

        return Step(seed, regionId, climate, condition, gameHour);
    }

    /// <summary>The weather of each hour after <paramref name="from"/> up to <paramref name="toHour"/>, in order.</summary>
    public static IEnumerable<Weather> Run(long seed, Climate climate, Weather from, long toHour)
    {
        ArgumentNullException.ThrowIfNull(from);
        var current = from;
        for (var hour = (from.GameMinutes / 60) + 1; hour <= toHour; hour++)
        {
            current = Step(seed, from.RegionId, climate, current.Condition, hour);
            yield return current;
        }
    }

    /// <summary>The chance of each condition <paramref name="hours"/> steps after <paramref name="current"/>, in <see cref="Conditions"/> order.</summary>
    public static double[] Distribution(Climate climate, Condition current, int hours)
    {
        var matrix = Matrix(climate);
        var distribution = new double[Conditions.Count];
        distribution[Index(current)] = 1;
        for (var step = 0; step < hours; step++)
        {
            var next = new double[distribution.Length];
            for (var from = 0; from < distribution.Length; from++)
            {
                for (var to = 0; to < distribution.Length; to++)
                {
                    next[to] += distribution[from] * matrix[from][to];
                }
            }

            distribution = next;
        }

        return distribution;
    }

    public static int Index(Condition condition)
    {
        for (var i = 0; i < Conditions.Count; i++)
        {
            if (Conditions[i] == condition)
            {
                return i;
            }
        }

        // An unspecified condition (a stored value from nowhere) continues as clear skies.
        return 0;
    }

    /// <summary>Temperature, wind and precipitation for a condition at an hour: the climate's daily curve, the condition, and seeded noise.</summary>
    private static Weather Measure(long seed, string regionId, Climate climate, Condition condition, long gameHour)
    {
        var (mean, swing) = Temperatures.GetValueOrDefault(climate, Temperatures[Climate.Temperate]);
        var hourOfDay = gameHour % 24;
        // Warmest at 15:00, coldest at 03:00.
        var daily = swing * Math.Sin(2 * Math.PI * (hourOfDay - 9) / 24.0);
        var byCondition = condition switch
        {
            Condition.Clear => 1.0,
            Condition.Cloudy => -1.0,
            Condition.Fog => -2.0,
            Condition.Rain => -3.0,
            Condition.Storm => -4.0,
            Condition.Snow => -3.0,
            Condition.Sandstorm => 2.0,
            _ => 0.0,
        };
        var temperature = mean + daily + byCondition + ((Draw(seed, regionId, gameHour, 1) - 0.5) * 3);
        if (condition == Condition.Snow)
        {
            // Snow falls at freezing or below, wherever the chain brought it.
            temperature = Math.Min(temperature, 0.5);
        }

        var (calmWind, precipitationRange) = condition switch
        {
            Condition.Clear => (8.0, (0.0, 0.0)),
            Condition.Cloudy => (12.0, (0.0, 0.0)),
            Condition.Fog => (4.0, (0.0, 0.0)),
            Condition.Rain => (16.0, (1.5, 5.0)),
            Condition.Storm => (45.0, (6.0, 20.0)),
            Condition.Snow => (15.0, (0.5, 3.0)),
            Condition.Sandstorm => (55.0, (0.0, 0.0)),
            _ => (10.0, (0.0, 0.0)),
        };
        var wind = calmWind * (0.7 + (0.6 * Draw(seed, regionId, gameHour, 2)));
        var precipitation = precipitationRange.Item1 + ((precipitationRange.Item2 - precipitationRange.Item1) * Draw(seed, regionId, gameHour, 3));
        return new Weather
        {
            RegionId = regionId,
            Condition = condition,
            TemperatureCelsius = Math.Round(temperature, 1),
            WindKph = Math.Round(wind, 1),
            PrecipitationMm = Math.Round(precipitation, 1),
            GameMinutes = gameHour * 60,
        };
    }

    private static Condition Sample(double[] row, double draw)
    {
        var cumulative = 0.0;
        for (var i = 0; i < row.Length; i++)
        {
            cumulative += row[i];
            if (draw < cumulative)
            {
                return Conditions[i];
            }
        }

        // Rounding left the draw above the row's sum: the last condition with any chance.
        return Conditions[Array.FindLastIndex(row, p => p > 0)];
    }

    /// <summary>A uniform number in [0, 1) from the seed, region, hour and what it is for: FNV-1a, then SplitMix64's finaliser.</summary>
    internal static double Draw(long seed, string regionId, long gameHour, int purpose)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in regionId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        var x = hash ^ (ulong)seed ^ ((ulong)gameHour * 0x9E3779B97F4A7C15UL) ^ ((ulong)purpose << 56);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53));
    }
}
