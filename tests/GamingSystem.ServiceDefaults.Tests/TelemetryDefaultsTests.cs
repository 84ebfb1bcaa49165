using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>Telemetry that a service gets without asking, and how its configuration overrides that.</summary>
public sealed class TelemetryDefaultsTests
{
    [Fact]
    public void Redis_command_spans_are_off_unless_the_configuration_turns_them_on()
    {
        Assert.Equal("true", Configured(null));
        Assert.Equal("false", Configured("false"));
    }

    private static string? Configured(string? disableTracing)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        if (disableTracing is not null)
        {
            builder.Configuration.AddInMemoryCollection([new(TelemetryExtensions.RedisTracingDisabledKey, disableTracing)]);
        }

        builder.ConfigureOpenTelemetry();
        return builder.Configuration[TelemetryExtensions.RedisTracingDisabledKey];
    }
}
