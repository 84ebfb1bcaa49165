using System.Globalization;
using Amazon.CDK;
using CdkSecret = Amazon.CDK.AWS.SecretsManager.Secret;
using EcsSecret = Amazon.CDK.AWS.ECS.Secret;
using ISecret = Amazon.CDK.AWS.SecretsManager.ISecret;

namespace GamingSystem.Deploy;

/// <summary>
/// Turns one project's manifest environment into ECS environment values and ECS secrets. A reference to a
/// project's endpoint becomes its Cloud Map name; NATS and Redis references become the project's own identity
/// (never the operator's); anything that carries a secret becomes an ECS secret from Secrets Manager, composed with
/// CloudFormation dynamic references when a value mixes text and secrets, so no secret value is in the template.
/// </summary>
internal sealed class EnvironmentResolver(
    Stack stack, ManifestResource project, AspireManifest manifest, DeploySettings settings,
    NatsDeployment? nats, RedisDeployment? redis, Func<string, ISecret> secretOf, IReadOnlyDictionary<string, CfnParameter> parameters)
{
    private abstract record Part;

    private sealed record Text(string Value) : Part;

    private sealed record SecretPart(ISecret Secret) : Part;

    public void Resolve(string variable, string value, Dictionary<string, string> environment, Dictionary<string, EcsSecret> secrets)
    {
        if (ServerCredential(variable) is { } server)
        {
            Credential(variable, server, environment, secrets);
            return;
        }

        var parts = Parts(value).ToList();
        if (parts.All(p => p is Text))
        {
            environment[variable] = string.Concat(parts.Cast<Text>().Select(p => p.Value));
        }
        else if (parts is [SecretPart only])
        {
            secrets[variable] = EcsSecret.FromSecretsManager(only.Secret);
        }
        else
        {
            secrets[variable] = EcsSecret.FromSecretsManager(Composed(variable, parts));
        }
    }

    /// <summary><c>NATS_USERNAME</c>, <c>REDIS_PASSWORD</c>, <c>NATS_URI</c>: Aspire's parts of a server reference.</summary>
    private ManifestResource? ServerCredential(string variable)
    {
        foreach (var server in manifest.Resources.Values.Where(r => r.Kind is ResourceKind.Nats or ResourceKind.Redis))
        {
            var prefix = server.Name.ToUpperInvariant().Replace('-', '_') + "_";
            if (variable.StartsWith(prefix, StringComparison.Ordinal) && variable[prefix.Length..] is "USERNAME" or "PASSWORD" or "URI")
            {
                return server;
            }
        }

        return null;
    }

    private void Credential(string variable, ManifestResource server, Dictionary<string, string> environment, Dictionary<string, EcsSecret> secrets)
    {
        var suffix = variable[(variable.LastIndexOf('_') + 1)..];
        switch (server.Kind, suffix)
        {
            case (ResourceKind.Nats, "USERNAME"):
                environment[variable] = project.Name;
                break;
            case (ResourceKind.Nats, "PASSWORD"):
                secrets[variable] = EcsSecret.FromSecretsManager(NatsOrThrow().Passwords[project.Name]);
                break;
            case (ResourceKind.Nats, _):
                secrets[variable] = EcsSecret.FromSecretsManager(Composed(variable, NatsConnection().ToList()));
                break;
            case (ResourceKind.Redis, "USERNAME"):
                // ElastiCache AUTH has one password and no user name.
                break;
            case (ResourceKind.Redis, "PASSWORD"):
                secrets[variable] = EcsSecret.FromSecretsManager(RedisOrThrow().Password);
                break;
            default:
                secrets[variable] = EcsSecret.FromSecretsManager(Composed(variable,
                    [new Text("rediss://:"), new SecretPart(RedisOrThrow().Password), new Text($"@{RedisOrThrow().Host}:{RedisOrThrow().Port}")]));
                break;
        }
    }

    private IEnumerable<Part> Parts(string value)
    {
        var at = 0;
        foreach (System.Text.RegularExpressions.Match match in AspireManifest.Reference().Matches(value))
        {
            if (match.Index > at)
            {
                yield return new Text(value[at..match.Index]);
            }

            foreach (var part in Reference(match.Groups["resource"].Value, match.Groups["path"].Value))
            {
                yield return part;
            }

            at = match.Index + match.Length;
        }

        if (at < value.Length)
        {
            yield return new Text(value[at..]);
        }
    }

    private IEnumerable<Part> Reference(string name, string path)
    {
        if (!manifest.Resources.TryGetValue(name, out var target))
        {
            throw new InvalidOperationException($"Resource '{project.Name}' refers to '{{{name}.{path}}}', which the manifest does not have.");
        }

        var servicePort = GamingStack.ServicePort.ToString(CultureInfo.InvariantCulture);
        return (target.Kind, path) switch
        {
            (ResourceKind.Project, _) when path.StartsWith("bindings.", StringComparison.Ordinal) => path.Split('.')[^1] switch
            {
                "url" => [new Text($"http://{target.Name}.{settings.Namespace}:{servicePort}")],
                "host" => [new Text($"{target.Name}.{settings.Namespace}")],
                "port" or "targetPort" => [new Text(servicePort)],
                "scheme" => [new Text("http")],
                var other => throw Unknown(name, path, other),
            },
            (ResourceKind.Nats, "connectionString") => NatsConnection(),
            (ResourceKind.Nats, _) when path.StartsWith("bindings.", StringComparison.Ordinal) => path.Split('.')[^1] switch
            {
                "host" => [new Text(NatsOrThrow().Host)],
                "port" or "targetPort" => [new Text(NatsOrThrow().Nodes[0].ClientPort.ToString(CultureInfo.InvariantCulture))],
                "url" => [new Text($"tls://{NatsOrThrow().Host}:{NatsOrThrow().Nodes[0].ClientPort.ToString(CultureInfo.InvariantCulture)}")],
                var other => throw Unknown(name, path, other),
            },
            (ResourceKind.Redis, "connectionString") => RedisConnection(),
            (ResourceKind.Redis, _) when path.StartsWith("bindings.", StringComparison.Ordinal) => path.Split('.')[^1] switch
            {
                "host" => [new Text(RedisOrThrow().Host)],
                "port" or "targetPort" => [new Text(RedisOrThrow().Port)],
                var other => throw Unknown(name, path, other),
            },
            (ResourceKind.Parameter, "value" or "inputs.value") => target.IsSecretParameter
                ? [new SecretPart(secretOf(name))]
                : [new Text(parameters[name].ValueAsString)],
            (ResourceKind.Parameter or ResourceKind.Value, "connectionString") or (ResourceKind.Value, "value") =>
                Parts(target.Body[path]?.GetValue<string>() ?? throw Unknown(name, path, path)),
            _ => throw Unknown(name, path, path),
        };
    }

    private InvalidOperationException Unknown(string name, string path, string what) =>
        new($"Resource '{project.Name}' refers to '{{{name}.{path}}}': '{what}' of a {manifest.Resources[name].Type} has no AWS mapping here.");

    /// <summary>The project's own NATS user over TLS, to the cluster's nodes.</summary>
    private IEnumerable<Part> NatsConnection()
    {
        var cluster = NatsOrThrow();
        // Every node, so a task starts while any of them is up; the credentials once, on the first.
        var others = string.Concat(cluster.Nodes.Skip(1).Select(node => $",tls://{node.Host}:{node.ClientPort.ToString(CultureInfo.InvariantCulture)}"));
        return
        [
            new Text($"tls://{project.Name}:"),
            new SecretPart(cluster.Passwords[project.Name]),
            new Text($"@{cluster.Host}:{cluster.Nodes[0].ClientPort.ToString(CultureInfo.InvariantCulture)}{others}"),
        ];
    }

    /// <summary>StackExchange.Redis over TLS with the AUTH password; no multi-primary machinery (as locally).</summary>
    private IEnumerable<Part> RedisConnection()
    {
        var cache = RedisOrThrow();
        return
        [
            new Text($"{cache.Host}:{cache.Port},ssl=true,abortConnect=false,tiebreaker=,configChannel=,password="),
            new SecretPart(cache.Password),
        ];
    }

    private NatsDeployment NatsOrThrow() => nats is not null && nats.Passwords.ContainsKey(project.Name) ? nats
        : throw new InvalidOperationException($"Resource '{project.Name}' uses NATS but the manifest gives it no reference to it.");

    private RedisDeployment RedisOrThrow() => redis
        ?? throw new InvalidOperationException($"Resource '{project.Name}' uses Redis but the manifest has no Redis resource.");

    private readonly Dictionary<string, ISecret> _composed = new(StringComparer.Ordinal);

    /// <summary>
    /// One secret for a value that mixes text and secrets, composed by CloudFormation from dynamic references; two
    /// variables of the same value (<c>ConnectionStrings__nats</c>, <c>NATS_URI</c>) share it.
    /// </summary>
    private ISecret Composed(string variable, IReadOnlyList<Part> parts)
    {
        var key = string.Join('|', parts.Select(p => p is SecretPart secret ? "secret:" + secret.Secret.Node.Path : "text:" + ((Text)p).Value));
        if (_composed.TryGetValue(key, out var existing))
        {
            return existing;
        }


        var pieces = parts.Select(p => p switch
        {
            Text text => text.Value,
            SecretPart secret => secret.Secret.SecretValue.UnsafeUnwrap(),
            _ => throw new InvalidOperationException(),
        }).ToArray();
        return _composed[key] = new CdkSecret(stack, $"{project.Name}-{variable.Replace("__", "-", StringComparison.Ordinal).Replace('_', '-')}", new Amazon.CDK.AWS.SecretsManager.SecretProps
        {
            Description = $"{variable} of {project.Name}",
            SecretStringValue = SecretValue.UnsafePlainText(Fn.Join(string.Empty, pieces)),
        });
    }
}
