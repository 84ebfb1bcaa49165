namespace GamingSystem.Benchmarks.Scenarios;

/// <summary>A responder and a caller for one transport, set up on loopback; <see cref="CallAsync"/> is one round trip.</summary>
internal interface IScenario : IAsyncDisposable
{
    Task StartAsync(CancellationToken cancellationToken);

    ValueTask CallAsync();
}

/// <summary>The serving half of a NATS scenario. Once <see cref="StartAsync"/> returns, the server knows its subscription.</summary>
internal interface IResponder : IAsyncDisposable
{
    Task StartAsync(CancellationToken cancellationToken);
}

/// <summary>The calling half of a NATS scenario, on its own connection as another service would be.</summary>
internal interface ICaller : IAsyncDisposable
{
    Task StartAsync(CancellationToken cancellationToken);

    ValueTask CallAsync();
}

/// <summary>
/// Any caller against any responder. All of them speak the same wire format (an encoded EchoRequest on
/// <see cref="BenchContract.EchoSubject"/>), so the SDK's halves can be measured against raw halves one at a time.
/// </summary>
internal sealed class NatsScenario(IResponder responder, ICaller caller) : IScenario
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await responder.StartAsync(cancellationToken).ConfigureAwait(false);
        await caller.StartAsync(cancellationToken).ConfigureAwait(false);
        // One call proves the pair works before anything is measured.
        await caller.CallAsync().ConfigureAwait(false);
    }

    public ValueTask CallAsync() => caller.CallAsync();

    public async ValueTask DisposeAsync()
    {
        await caller.DisposeAsync().ConfigureAwait(false);
        await responder.DisposeAsync().ConfigureAwait(false);
    }
}
