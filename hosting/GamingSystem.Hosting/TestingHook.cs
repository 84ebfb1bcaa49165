using System.Reflection;

namespace GamingSystem.Hosting;

/// <summary>
/// Lets the testing builder run an AppHost's entry point up to <c>Build()</c>. Installed per async
/// flow, so tests that boot AppHosts in parallel do not see each other's hook.
/// </summary>
internal sealed class TestingHook(Assembly appHostAssembly, Action<DistributedApplicationOptions> configureOptions)
{
    private static readonly AsyncLocal<TestingHook?> s_current = new();
    private int _captured;

    public static TestingHook? Current => s_current.Value;

    public Assembly AppHostAssembly { get; } = appHostAssembly;

    public DistributedApplicationBuilder? CapturedBuilder { get; private set; }

    public static IDisposable Install(TestingHook hook)
    {
        if (s_current.Value is not null)
        {
            throw new InvalidOperationException("An AppHost entry point is already running under the testing builder on this flow.");
        }

        s_current.Value = hook;
        return new Uninstaller();
    }

    public void ConfigureOptions(DistributedApplicationOptions options) => configureOptions(options);

    /// <summary>The first Build() hands the builder over and aborts the entry point; later ones build normally.</summary>
    public void CaptureOnce(DistributedApplicationBuilder builder)
    {
        if (Interlocked.Exchange(ref _captured, 1) == 0)
        {
            CapturedBuilder = builder;
            throw new BuilderCapturedException();
        }
    }

    private sealed class Uninstaller : IDisposable
    {
        public void Dispose() => s_current.Value = null;
    }
}

/// <summary>Unwinds the AppHost's entry point once the testing builder has the builder.</summary>
internal sealed class BuilderCapturedException : Exception
{
    public BuilderCapturedException()
        : base("The testing builder took over the application model at Build(); the AppHost entry point stops here.")
    {
    }
}
