using System.Collections.Concurrent;
using GamingSystem.Contracts.AiRouter.V1;
using Microsoft.Extensions.Options;

namespace GamingSystem.AiRouter;

/// <summary>The breakers of every model this process has routed to, and its route counters. In memory: per replica.</summary>
public sealed class ModelHealth(IOptions<BreakerOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ModelBreaker> _breakers = new(StringComparer.Ordinal);
    private long _routes;
    private long _fallbacks;

    public ModelBreaker For(string modelId) =>
        _breakers.GetOrAdd(modelId, static (id, self) => new ModelBreaker(id, self.Options, self.Time), (Options: options.Value, Time: time));

    public void Routed(bool fellBack)
    {
        Interlocked.Increment(ref _routes);
        if (fellBack)
        {
            Interlocked.Increment(ref _fallbacks);
        }
    }

    public RoutingStats Snapshot() => new()
    {
        Models = { _breakers.Values.Select(b => b.Snapshot()).OrderBy(s => s.ModelId, StringComparer.Ordinal) },
        Routes = Interlocked.Read(ref _routes),
        Fallbacks = Interlocked.Read(ref _fallbacks),
    };
}
