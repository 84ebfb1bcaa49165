using GamingSystem.Contracts;
using GamingSystem.Contracts.Auth.V1;
using GamingSystem.ServiceDefaults.Events;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace GamingSystem.Benchmarks.Scenarios;

/// <summary>
/// The event both event cases publish: a real contract event (evt.auth.player_registered, stream PLAYER) whose
/// username carries the run's payload, so raw and SDK put the same bytes on the same subject.
/// </summary>
internal static class BenchEvent
{
    public static PlayerRegistered Create(byte[] payload) => new()
    {
        PlayerId = "p-0000000000000000",
        Username = Convert.ToBase64String(payload),
        RegisteredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch),
    };

    public static string Subject { get; } = EventContracts.SubjectOf(PlayerRegistered.Descriptor)!;
}

/// <summary>
/// Raw NATS.Net: an acknowledged <c>js.PublishAsync</c> of the encoded event, ack checked. It sends the same bytes as
/// the SDK, headers included (the event type and a fresh <c>Nats-Msg-Id</c>, which de-duplication needs), so the
/// only difference is the code around them.
/// </summary>
internal sealed class RawJetStreamPublish(string url, byte[] payload) : IScenario
{
    private readonly NatsConnection _nats = new(NatsOpts.Default with { Url = url, Name = "bench-raw-publisher" });
    private readonly byte[] _encoded = BenchEvent.Create(payload).ToByteArray();
    private NatsJSContext? _js;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _js = new NatsJSContext(_nats);
        // The stream may not exist yet when this case starts first; the SDK case then brings it to its own settings.
        var stream = EventContracts.StreamFor(BenchEvent.Subject);
        await _js.CreateOrUpdateStreamAsync(new StreamConfig(stream.Name, stream.Subjects.ToArray()) { DuplicateWindow = TimeSpan.FromMinutes(2) }, cancellationToken)
            .ConfigureAwait(false);
        await CallAsync().ConfigureAwait(false);
    }

    public async ValueTask CallAsync()
    {
        var headers = new NatsHeaders { ["Gaming-Event-Type"] = PlayerRegistered.Descriptor.FullName, ["Nats-Msg-Id"] = Guid.NewGuid().ToString("N") };
        var ack = await _js!.PublishAsync(BenchEvent.Subject, _encoded, headers: headers).ConfigureAwait(false);
        ack.EnsureSuccess();
    }

    public ValueTask DisposeAsync() => _nats.DisposeAsync();
}

/// <summary>
/// The SDK: <see cref="EventPublisher.PublishEventAsync{TEvent}"/> in a host wired as a service's. Untraced, it does
/// what the raw case does plus the SDK's own work; traced, NATS.Net also records a span per publish, as in a service.
/// </summary>
internal sealed class SdkEventPublish(string url, byte[] payload, bool traced) : IScenario
{
    private readonly IHost _host = SdkHost.Create(url, "bench-events", builder => builder.AddEventPublisher(), traced);
    private readonly PlayerRegistered _event = BenchEvent.Create(payload);
    private EventPublisher? _publisher;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _host.StartAsync(cancellationToken).ConfigureAwait(false);
        _publisher = _host.Services.GetRequiredService<EventPublisher>();
        await CallAsync().ConfigureAwait(false);
    }

    public async ValueTask CallAsync() => await _publisher!.PublishEventAsync(_event).ConfigureAwait(false);

    public ValueTask DisposeAsync() => SdkHost.StopAsync(_host);
}
