using System.Globalization;
using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.Contracts.WorldState.V1;

namespace GamingSystem.EnvironmentalNarrative.Domain;

/// <summary>Whether the description speaks to a player, and where that player is.</summary>
public enum Viewer
{
    Anyone,
    PlayerHere,
    PlayerAway,
}

/// <summary>
/// Everything a description is made from, with the versions that identify it: the same signature means the same
/// inputs, so the cached text is still true.
/// </summary>
public sealed record Scene(Region Region, Weather Weather, DayPhase Phase, IReadOnlyList<string> RecentEvents, long EventsVersion, Viewer Viewer)
{
    public string Signature => string.Create(CultureInfo.InvariantCulture,
        $"r{Region.Version}|w{Weather.Condition}|p{Phase}|e{EventsVersion}|v{Viewer}");

    /// <summary>A stable seed from the signature (FNV-1a), so a model's text changes exactly when the inputs do.</summary>
    public long Seed
    {
        get
        {
            var hash = 14695981039346656037UL;
            foreach (var c in Region.Id + "\n" + Signature)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return (long)(hash >> 1);
        }
    }
}
