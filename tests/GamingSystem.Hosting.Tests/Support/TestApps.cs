using GamingSystem.Hosting.Lifecycle;

namespace GamingSystem.Hosting.Tests.Support;

internal static class TestApps
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A builder for a model assembled in the test itself, with the testing builder's defaults.</summary>
    public static IDistributedApplicationBuilder CreateBuilder() =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions { RandomizePorts = true, ForwardConsoleLogs = false });

    public static CancellationToken Timeout(TimeSpan? timeout = null) => new CancellationTokenSource(timeout ?? StartTimeout).Token;

    public static IReadOnlyList<int> ProcessIds(this ResourceNotificationService notifications) =>
        [.. notifications.GetSnapshots().SelectMany(s => s.Instances).Select(i => i.ProcessId).OfType<int>()];
}
