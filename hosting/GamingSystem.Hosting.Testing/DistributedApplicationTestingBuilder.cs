using System.Reflection;
using System.Runtime.ExceptionServices;

namespace GamingSystem.Hosting.Testing;

/// <summary>
/// Boots an AppHost's application model for a test: the AppHost's own Program runs up to
/// <c>Build()</c>, with free ports everywhere, no console forwarding and throw-away data.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    /// <param name="TEntryPoint">Any type of the AppHost assembly, usually its <c>Program</c>.</param>
    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(CancellationToken cancellationToken = default)
        where TEntryPoint : class =>
        CreateAsync<TEntryPoint>([], cancellationToken);

    /// <param name="args">Passed to the AppHost's entry point, so configuration such as <c>--Gateway:Port</c> applies.</param>
    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(string[] args, CancellationToken cancellationToken = default)
        where TEntryPoint : class
    {
        ArgumentNullException.ThrowIfNull(args);
        cancellationToken.ThrowIfCancellationRequested();
        var assembly = typeof(TEntryPoint).Assembly;
        var entryPoint = assembly.EntryPoint
            ?? throw new InvalidOperationException($"Assembly '{assembly.GetName().Name}' has no entry point; pass a type from the AppHost.");

        var hook = new TestingHook(assembly, ApplyTestingDefaults);
        using (TestingHook.Install(hook))
        {
            RunUntilBuild(entryPoint, args);
        }

        var builder = hook.CapturedBuilder
            ?? throw new InvalidOperationException(
                $"The entry point of '{assembly.GetName().Name}' returned without calling DistributedApplication.CreateBuilder(...).Build().");
        return Task.FromResult<IDistributedApplicationTestingBuilder>(new TestingBuilder(builder));
    }

    private static void ApplyTestingDefaults(DistributedApplicationOptions options)
    {
        options.RandomizePorts = true;
        options.ForwardConsoleLogs = false;
        options.EnableDashboard = false;
        options.OpenBrowser = false;
        options.DataDirectory = null;
    }

    private static void RunUntilBuild(MethodInfo entryPoint, string[] args)
    {
        try
        {
            var arguments = entryPoint.GetParameters().Length == 0 ? null : new object[] { args };
            var result = entryPoint.Invoke(null, arguments);
            if (result is Task task)
            {
                // An async Main reaches Build() before its first real await; the capture
                // exception then faults this task.
                task.GetAwaiter().GetResult();
            }
        }
        catch (TargetInvocationException ex) when (ex.InnerException is BuilderCapturedException)
        {
            // Expected: Build() handed the builder over and unwound the entry point.
        }
        catch (BuilderCapturedException)
        {
            // Same, from an async entry point.
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
        }
    }

    private sealed class TestingBuilder(DistributedApplicationBuilder builder) : IDistributedApplicationTestingBuilder
    {
        public IDistributedApplicationBuilder Builder => builder;

        public Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(builder.Build());
        }
    }
}
