using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using Aspire.Hosting.Lifecycle;
using GamingSystem.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting.Security;

/// <summary>
/// Gives every project its own identity for each server it references, generated for this run, just before
/// anything starts: a NATS user with the permissions <see cref="BusPermissions"/> derives from the app model, a
/// Redis ACL user limited to its own keys, and for a publicly exposed project (or one marked
/// <c>WithPlayerDelegation</c>) the key that proves a caller's player id. Secrets reach a project as files in a private folder (<see cref="ProcessSettings.SecretsDirectory"/>),
/// never in its environment, which the dashboard shows; the connection strings Aspire's references put there,
/// which carry the servers' own operator passwords, are taken out.
/// </summary>
internal sealed class ServiceIdentities : IDistributedApplicationEventingSubscriber
{
    private const string ReferenceRelationship = "Reference";
    private const string ConnectionStringsPrefix = "ConnectionStrings__";

    public Task SubscribeAsync(IDistributedApplicationEventing eventing, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        if (executionContext.IsRunMode)
        {
            eventing.Subscribe<BeforeStartEvent>((@event, _) =>
            {
                Assign(@event.Model, @event.Services.GetRequiredService<RunFiles>());
                return Task.CompletedTask;
            });
        }

        return Task.CompletedTask;
    }

    internal static void Assign(DistributedApplicationModel model, RunFiles files)
    {
        using var signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privateKey = Convert.ToBase64String(signingKey.ExportPkcs8PrivateKey());
        var publicKey = Convert.ToBase64String(signingKey.ExportSubjectPublicKeyInfo());

        foreach (var project in model.Resources.OfType<ProjectResource>())
        {
            var references = project.Annotations.OfType<ResourceRelationshipAnnotation>()
                .Where(relationship => relationship.Type == ReferenceRelationship)
                .Select(relationship => relationship.Resource)
                .Distinct()
                .ToList();
            var nats = references.OfType<NatsServerResource>().FirstOrDefault();
            var redis = references.OfType<RedisServerResource>().FirstOrDefault();
            if (nats is null && redis is null)
            {
                continue;
            }

            var publiclyExposed = project.Annotations.OfType<EndpointAnnotation>().Any(endpoint => endpoint.IsExternal);
            var ownsStreams = project.Annotations.OfType<EventStreamOwnerAnnotation>().Any();
            var readsStats = project.Annotations.OfType<ServiceStatsReaderAnnotation>().Any();
            var natsUser = nats is null ? null : new NatsUser(
                project.Name,
                NewPassword(),
                BusPermissions.For(project.Name, references.Select(r => r.Name), publiclyExposed, ownsStreams, readsStats));
            var redisUser = redis is null ? null : new RedisUser(project.Name, NewPassword(), RedisUser.KeyPatternOf(project.Name));
            if (natsUser is not null)
            {
                nats!.Users.Add(natsUser);
            }

            if (redisUser is not null)
            {
                redis!.Users.Add(redisUser);
            }

            var secrets = new Dictionary<string, string>();
            var actsForPlayers = publiclyExposed || project.Annotations.OfType<PlayerDelegationAnnotation>().Any();
            if (actsForPlayers && natsUser is not null)
            {
                secrets[ProcessSettings.CallerSigningKey] = privateKey;
            }

            project.Annotations.Add(new EnvironmentCallbackAnnotation(async context =>
            {
                var environment = context.EnvironmentVariables;
                var folder = files.DirectoryFor(project.Name, "secrets");
                if (natsUser is not null)
                {
                    RemoveOperatorCredentials(environment, nats!.Name);
                    var addresses = await AddressesAsync(nats.Nodes.Select(node => node.PrimaryEndpoint), context.CancellationToken).ConfigureAwait(false);
                    secrets[ConnectionStringKey(nats.Name)] = natsUser.ConnectionString(addresses, nats.TlsEnabled);
                    environment[ProcessSettings.AsEnvironmentVariable(ProcessSettings.CallerVerifyKey)] = publicKey;
                    environment[ProcessSettings.AsEnvironmentVariable(ProcessSettings.ManageEventStreams)] = ownsStreams ? "true" : "false";
                    if (ownsStreams && nats.ClusterNodes.Count > 0)
                    {
                        // Every event on three nodes of the cluster, as in the AWS deployment: one may die with none lost.
                        environment[EventReplicasVariable] = Math.Min(3, nats.ClusterNodes.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }
                }

                if (redisUser is not null)
                {
                    RemoveOperatorCredentials(environment, redis!.Name);
                    var addresses = await AddressesAsync(redis.Nodes.Select(node => node.PrimaryEndpoint), context.CancellationToken).ConfigureAwait(false);
                    secrets[ConnectionStringKey(redis.Name)] = redisUser.ConnectionString(addresses, redis.TlsEnabled);
                }

                // Any other connection string (an LLM endpoint with its key) is a secret too.
                foreach (var key in environment.Keys.Where(key => key.StartsWith(ConnectionStringsPrefix, StringComparison.Ordinal)).ToList())
                {
                    var value = environment[key] switch
                    {
                        string text => text,
                        IValueProvider provider => await provider.GetValueAsync(context.CancellationToken).ConfigureAwait(false),
                        var other => other?.ToString(),
                    };
                    if (value is not null)
                    {
                        secrets[key.Replace("__", ":", StringComparison.Ordinal)] = value;
                    }

                    environment.Remove(key);
                }

                if (nats?.TlsEnabled == true || redis?.TlsEnabled == true)
                {
                    environment[ProcessSettings.AsEnvironmentVariable(ProcessSettings.TlsCaFile)] = DevelopmentCertificates.For(files).CaFile;
                }

                foreach (var (key, value) in secrets)
                {
                    RunFiles.WritePrivateFile(Path.Combine(folder, ProcessSettings.AsEnvironmentVariable(key)), value);
                }

                environment[ProcessSettings.SecretsDirectory] = folder;
            }));
        }
    }

    private static string ConnectionStringKey(string resourceName) => $"ConnectionStrings:{resourceName}";

    /// <summary>On how many NATS nodes the stream owner stores each stream (<c>EventOptions.Replicas</c>).</summary>
    internal const string EventReplicasVariable = "Messaging__Events__Replicas";

    /// <summary>Each node's <c>host:port</c>: a single server's, or every node of a cluster.</summary>
    private static async Task<IReadOnlyList<string>> AddressesAsync(IEnumerable<EndpointReference> endpoints, CancellationToken cancellationToken)
    {
        var addresses = new List<string>();
        foreach (var endpoint in endpoints)
        {
            addresses.Add((await endpoint.Property(EndpointProperty.HostAndPort).GetValueAsync(cancellationToken).ConfigureAwait(false))!);
        }

        return addresses;
    }

    /// <summary>
    /// A reference puts the server's connection string (with its operator password) and its parts
    /// (<c>NATS_PASSWORD</c>, <c>NATS_URI</c>, ...) in the environment; the project's own come from its secrets folder.
    /// </summary>
    private static void RemoveOperatorCredentials(Dictionary<string, object> environment, string resourceName)
    {
        var prefix = resourceName.ToUpperInvariant().Replace('-', '_') + "_";
        environment.Remove(ProcessSettings.AsEnvironmentVariable(ConnectionStringKey(resourceName)));
        foreach (var key in environment.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal) && !key.EndsWith("_HOST", StringComparison.Ordinal) && !key.EndsWith("_PORT", StringComparison.Ordinal)).ToList())
        {
            environment.Remove(key);
        }
    }

    /// <summary>256 random bits, URL-safe, so it needs no quoting in a URI, a config file or an ACL rule.</summary>
    internal static string NewPassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>One project's NATS user.</summary>
internal sealed record NatsUser(string Name, string Password, BusPermissions Permissions)
{
    /// <summary>One URL per node, comma-separated, each with the credentials (<c>AddNatsClient</c> reads the list).</summary>
    public string ConnectionString(IEnumerable<string> hostsAndPorts, bool tls) =>
        string.Join(',', hostsAndPorts.Select(hostAndPort => $"{(tls ? "tls" : "nats")}://{Name}:{Password}@{hostAndPort}"));
}

/// <summary>One project's Redis ACL user: its keys are those under its own hash-tagged prefix, <c>{name}:</c>.</summary>
internal sealed record RedisUser(string Name, string Password, string KeyPattern)
{
    public static string KeyPatternOf(string resourceName) => $"{{{resourceName}}}:*";

    // The tie-breaker key and configuration channel are StackExchange.Redis' multi-primary machinery, outside the
    // user's keys and channels; turned off rather than granted.
    public string ConnectionString(IEnumerable<string> hostsAndPorts, bool tls) =>
        $"{string.Join(',', hostsAndPorts)},user={Name},password={Password},tiebreaker=,configChannel={(tls ? ",ssl=true" : "")}";
}

/// <summary>Marks the project that owns the JetStream streams (see <c>WithEventStreams</c>).</summary>
internal sealed class EventStreamOwnerAnnotation : IResourceAnnotation;

/// <summary>Marks the project that may ask every service for its stats (see <c>WithServiceStats</c>).</summary>
internal sealed class ServiceStatsReaderAnnotation : IResourceAnnotation;

/// <summary>Marks a project that acts for players on its own, after their call ended (see <c>WithPlayerDelegation</c>).</summary>
internal sealed class PlayerDelegationAnnotation : IResourceAnnotation;
