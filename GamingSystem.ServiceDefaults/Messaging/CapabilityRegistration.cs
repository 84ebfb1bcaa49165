using GamingSystem.Contracts;
using GamingSystem.Contracts.CapabilityRegistry.V1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>Bound from <c>Messaging:Registry</c>; the AppHost turns registration on for every service it runs.</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Messaging:Registry";

    public bool Enabled { get; set; }

    /// <summary>How long the instance stays listed without a heartbeat; it heartbeats three times per TTL.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Registers this service instance with capability-registry (its proto methods' subjects as capabilities), heartbeats
/// it, registers again when the registry forgot it, and deregisters it on a clean stop. A registry that is not there
/// (yet) is retried at the next heartbeat; a service never fails for it.
/// </summary>
internal sealed partial class CapabilityRegistration(
    ServiceDescriptor service, ServiceClient client, TimeProvider time, IOptions<RegistryOptions> options, ILogger<CapabilityRegistration> logger)
    : BackgroundService
{
    private static readonly ServiceDescriptor Registry = ContractRegistry.CapabilityRegistry;

    private readonly string _service = ContractRegistry.ResourceName(service);
    private readonly string _instanceId = Guid.NewGuid().ToString("N")[..16];
    private bool _registered;
    private bool _reachable = true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var interval = options.Value.Ttl / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            await BeatAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_registered)
        {
            try
            {
                await client.RequestAsync<DeregisterResponse>(
                    Registry.FindMethodByName("Deregister"),
                    new DeregisterRequest { Service = _service, InstanceId = _instanceId },
                    new CallOptions { Timeout = TimeSpan.FromSeconds(1) },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ServiceException)
            {
                // The TTL removes it anyway.
            }
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_registered)
            {
                try
                {
                    await client.RequestAsync<Registration>(
                        Registry.FindMethodByName("Heartbeat"), new HeartbeatRequest { Service = _service, InstanceId = _instanceId }, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (ServiceException ex) when (ex.Code == Contracts.Common.V1.ErrorCode.NotFound)
                {
                    _registered = false;
                }
            }

            if (!_registered)
            {
                var request = new RegisterRequest { Service = _service, InstanceId = _instanceId, TtlSeconds = (int)Math.Ceiling(options.Value.Ttl.TotalSeconds) };
                request.Capabilities.Add(service.Methods.Select(ServiceSubjects.For));
                await client.RequestAsync<Registration>(Registry.FindMethodByName("Register"), request, cancellationToken: cancellationToken).ConfigureAwait(false);
                _registered = true;
                LogRegistered(_service, _instanceId);
            }

            _reachable = true;
        }
        catch (ServiceException ex)
        {
            if (_reachable)
            {
                LogUnreachable(_service, ex.Message);
            }

            _reachable = false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 130, Level = LogLevel.Information, Message = "Registered {Service} instance {InstanceId} with capability-registry")]
    private partial void LogRegistered(string service, string instanceId);

    [LoggerMessage(EventId = 131, Level = LogLevel.Warning, Message = "{Service} could not register with capability-registry; retrying at each heartbeat: {Reason}")]
    private partial void LogUnreachable(string service, string reason);
}
