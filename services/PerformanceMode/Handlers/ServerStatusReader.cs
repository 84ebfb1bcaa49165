using GamingSystem.Contracts.PerformanceMode.V1;
using GamingSystem.PerformanceMode.Mode;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.PerformanceMode.Handlers;

/// <summary>The mode in force: the operator's override while it lasts, else the one derived from the stats.</summary>
public sealed class ServerStatusReader(StatsSampler sampler, ModeOverrideStore overrides)
{
    public async Task<ServerStatus> ReadAsync()
    {
        var derived = sampler.Current;
        var status = new ServerStatus { Services = { derived.Loads } };
        if (await overrides.GetAsync().ConfigureAwait(false) is { } forced)
        {
            status.Mode = forced.Mode;
            status.Reason = $"set by an operator: {forced.Reason} (derived: {derived.Mode.ToString().ToUpperInvariant()}, {derived.Reason})";
            status.OverrideExpiresAt = Timestamp.FromDateTimeOffset(forced.ExpiresAt);
        }
        else
        {
            status.Mode = derived.Mode;
            status.Reason = derived.Reason;
        }

        return status;
    }
}
