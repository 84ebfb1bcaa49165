using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GamingSystem.Deploy.Tests;

/// <summary>The real manifest of the AppHost, synthesized into CloudFormation, inspected as JSON.</summary>
[Collection(DeploymentCollection.Name)]
public sealed partial class TemplateTests(DeploymentFixture deployment)
{
    [Fact]
    public void Every_resource_of_the_manifest_maps_to_aws_resources()
    {
        var services = deployment.OfType("AWS::ECS::Service").ToDictionary(s => s.Body["Properties"]!["ServiceName"]!.GetValue<string>(), s => s.Body);
        var containers = deployment.OfType("AWS::ECS::TaskDefinition")
            .SelectMany(t => t.Body["Properties"]!["ContainerDefinitions"]!.AsArray().Select(c => c!["Name"]!.GetValue<string>()))
            .ToHashSet();
        var mapped = 0;
        foreach (var resource in deployment.Manifest.Resources.Values)
        {
            switch (resource.Kind)
            {
                case ResourceKind.Project:
                    Assert.Contains(resource.Name, services.Keys);
                    Assert.Contains(resource.Name, containers);
                    Assert.Contains(deployment.OfType("AWS::ApplicationAutoScaling::ScalableTarget"), t => Text(t.Body).Contains($"service/", StringComparison.Ordinal));
                    break;
                case ResourceKind.Nats:
                    Assert.Equal(3, services.Keys.Count(name => name.StartsWith($"{resource.Name}-", StringComparison.Ordinal)));
                    Assert.Single(deployment.OfType("AWS::EFS::FileSystem"));
                    Assert.Equal(3, deployment.OfType("AWS::EFS::AccessPoint").Count());
                    break;
                case ResourceKind.Redis:
                    var group = Assert.Single(deployment.OfType("AWS::ElastiCache::ReplicationGroup")).Body["Properties"]!;
                    Assert.True(group["TransitEncryptionEnabled"]!.GetValue<bool>());
                    Assert.True(group["AtRestEncryptionEnabled"]!.GetValue<bool>());
                    Assert.True(group["AutomaticFailoverEnabled"]!.GetValue<bool>());
                    Assert.Contains("{{resolve:secretsmanager:", Text(group["AuthToken"]!), StringComparison.Ordinal);
                    break;
                case ResourceKind.Parameter:
                    Assert.True(resource.IsSecretParameter
                        ? deployment.OfType("AWS::SecretsManager::Secret").Any(s => Text(s.Body).Contains($"Manifest parameter {resource.Name}", StringComparison.Ordinal))
                        : deployment.Template["Parameters"]![GamingStack.StackParameterName(resource.Name)] is not null);
                    break;
                default:
                    continue;
            }

            mapped++;
        }

        Assert.Equal(deployment.Manifest.Resources.Values.Count(r => r.Kind != ResourceKind.Value), mapped);
        // Every project: its /health as the container health check, its own log group, CPU and memory.
        foreach (var task in deployment.OfType("AWS::ECS::TaskDefinition"))
        {
            Assert.NotNull(task.Body["Properties"]!["Cpu"]);
            Assert.NotNull(task.Body["Properties"]!["Memory"]);
            var app = task.Body["Properties"]!["ContainerDefinitions"]!.AsArray()[0]!;
            Assert.Contains("health", Text(app["HealthCheck"]!), StringComparison.Ordinal);
            Assert.Equal("awslogs", app["LogConfiguration"]!["LogDriver"]!.GetValue<string>());
        }
    }

    [Fact]
    public void An_unknown_resource_type_is_an_error_naming_it()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(deployment.ManifestPath))!;
        manifest["resources"]!["leaderboard-db"] = new JsonObject { ["type"] = "postgres.server.v0" };
        var error = Assert.Throws<UnsupportedResourceException>(() => AspireManifest.Parse(manifest.ToJsonString()));
        Assert.Equal("leaderboard-db", error.Resource);
        Assert.Contains("postgres.server.v0", error.Message, StringComparison.Ordinal);

        manifest = JsonNode.Parse(File.ReadAllText(deployment.ManifestPath))!;
        manifest["resources"]!["mongo"] = new JsonObject { ["type"] = "container.v0", ["image"] = "docker.io/library/mongo:7.0.1" };
        error = Assert.Throws<UnsupportedResourceException>(() => AspireManifest.Parse(manifest.ToJsonString()));
        Assert.Contains("mongo:7.0.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_secret_value_is_in_the_template()
    {
        foreach (var (id, secret) in deployment.OfType("AWS::SecretsManager::Secret"))
        {
            var properties = secret["Properties"]!;
            if (properties["SecretString"] is { } value)
            {
                // Composed only of text without secrets, references, and dynamic references to other secrets.
                var text = Text(value);
                Assert.True(text.Contains("{{resolve:secretsmanager:", StringComparison.Ordinal) || text.Contains("\"Ref\"", StringComparison.Ordinal), $"{id}: {text}");
                Assert.DoesNotMatch(PasswordLiteral(), text);
            }
            else
            {
                Assert.NotNull(properties["GenerateSecretString"]);
            }
        }

        foreach (var (id, task) in deployment.OfType("AWS::ECS::TaskDefinition"))
        {
            foreach (var container in task["Properties"]!["ContainerDefinitions"]!.AsArray())
            {
                foreach (var variable in container!["Environment"]?.AsArray() ?? [])
                {
                    var name = variable!["Name"]!.GetValue<string>();
                    Assert.False(name.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || name.EndsWith("PASSWORD", StringComparison.Ordinal) || name.EndsWith("_URI", StringComparison.Ordinal) || name.Contains("SigningKey", StringComparison.Ordinal),
                        $"{id}: {name} is a plain environment value");
                    Assert.DoesNotMatch(PasswordLiteral(), Text(variable["Value"]!));
                }
            }
        }

        foreach (var (name, parameter) in deployment.Template["Parameters"]!.AsObject())
        {
            if (parameter!["NoEcho"]?.GetValue<bool>() == true)
            {
                Assert.Null(parameter["Default"]);
            }
        }

        // The manifest's parameters had no values; nothing the AppHost generates locally reaches the template.
        Assert.DoesNotContain("password=\"", deployment.TemplateText, StringComparison.Ordinal);
    }

    [Fact]
    public void Services_are_not_reachable_from_the_internet()
    {
        foreach (var (id, service) in deployment.OfType("AWS::ECS::Service"))
        {
            Assert.Equal("DISABLED", service["Properties"]!["NetworkConfiguration"]!["AwsvpcConfiguration"]!["AssignPublicIp"]!.GetValue<string>());
        }

        var balancer = Assert.Single(deployment.OfType("AWS::ElasticLoadBalancingV2::LoadBalancer")).Body["Properties"]!;
        Assert.Equal("internet-facing", balancer["Scheme"]!.GetValue<string>());
        var albGroups = Text(balancer["SecurityGroups"]!);

        // Only the load balancer's group is open to addresses; every other rule names a security group.
        foreach (var (id, group) in deployment.OfType("AWS::EC2::SecurityGroup"))
        {
            foreach (var rule in group["Properties"]!["SecurityGroupIngress"]?.AsArray() ?? [])
            {
                Assert.True(albGroups.Contains($"\"{id}\"", StringComparison.Ordinal), $"{id} is open to {rule!["CidrIp"]}");
                Assert.Contains(rule!["FromPort"]!.GetValue<int>(), new[] { 80, 443 });
            }
        }

        foreach (var (id, rule) in deployment.OfType("AWS::EC2::SecurityGroupIngress"))
        {
            Assert.Null(rule["Properties"]!["CidrIp"]);
            Assert.NotNull(rule["Properties"]!["SourceSecurityGroupId"]);
            Assert.Equal(rule["Properties"]!["FromPort"]!.GetValue<int>(), rule["Properties"]!["ToPort"]!.GetValue<int>());
        }

        // The gateway's port is open to the load balancer alone; HTTP only redirects to HTTPS.
        var gatewayRules = deployment.OfType("AWS::EC2::SecurityGroupIngress").Where(r => Text(r.Body["Properties"]!["GroupId"]!).Contains("gatewaysg", StringComparison.Ordinal)).ToList();
        Assert.All(gatewayRules, r => Assert.Contains("albsg", Text(r.Body["Properties"]!["SourceSecurityGroupId"]!), StringComparison.Ordinal));
        var listeners = deployment.OfType("AWS::ElasticLoadBalancingV2::Listener").Select(l => l.Body["Properties"]!).ToList();
        Assert.Contains(listeners, l => l["Protocol"]!.GetValue<string>() == "HTTPS" && Text(l["Certificates"]!).Contains("CertificateArn", StringComparison.Ordinal));
        Assert.Contains(listeners, l => l["Protocol"]!.GetValue<string>() == "HTTP" && Text(l["DefaultActions"]!).Contains("HTTP_301", StringComparison.Ordinal));
    }

    [Fact]
    public void Iam_roles_grant_only_what_each_task_uses()
    {
        foreach (var (id, policy) in deployment.OfType("AWS::IAM::Policy"))
        {
            foreach (var statement in policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
            {
                var actions = statement!["Action"] is JsonArray many ? many.Select(a => a!.GetValue<string>()).ToList() : [statement["Action"]!.GetValue<string>()];
                Assert.All(actions, action => Assert.DoesNotContain("*", action, StringComparison.Ordinal));
                Assert.Equal("Allow", statement["Effect"]!.GetValue<string>());
                if (Text(statement["Resource"]!) == "\"*\"")
                {
                    // Only actions AWS defines without resource-level permissions.
                    Assert.All(actions, action => Assert.True(action.StartsWith("xray:", StringComparison.Ordinal) || action == "ecr:GetAuthorizationToken", $"{id}: {action} on *"));
                }

                if (actions.Contains("secretsmanager:GetSecretValue"))
                {
                    // An execution role reads only the secrets its own task definition names.
                    var role = Text(policy["Properties"]!["Roles"]!);
                    var task = deployment.OfType("AWS::ECS::TaskDefinition").Single(t => role.Contains(Text(t.Body["Properties"]!["ExecutionRoleArn"]!).Split('"')[3], StringComparison.Ordinal));
                    var named = Text(task.Body["Properties"]!["ContainerDefinitions"]!);
                    foreach (var resource in statement["Resource"] is JsonArray resources ? resources.Select(r => r!) : [statement["Resource"]!])
                    {
                        var secret = resource["Ref"]?.GetValue<string>() ?? Text(resource);
                        Assert.True(named.Contains(secret, StringComparison.Ordinal), $"{id} grants {secret}, which {task.Id} does not use");
                    }
                }
            }
        }
    }

    [Fact]
    public void Gateway_alarms_watch_5xx_and_p99()
    {
        var alarms = deployment.OfType("AWS::CloudWatch::Alarm").Select(a => a.Body["Properties"]!).ToList();
        Assert.Contains(alarms, a => a["MetricName"]!.GetValue<string>() == "HTTPCode_Target_5XX_Count");
        Assert.Contains(alarms, a => a["MetricName"]!.GetValue<string>() == "TargetResponseTime" && a["ExtendedStatistic"]!.GetValue<string>() == "p99");
        // Every service exports OTLP to the collector beside it.
        Assert.All(deployment.OfType("AWS::ECS::TaskDefinition").Where(t => !t.Id.StartsWith("nats", StringComparison.Ordinal)),
            t => Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT", Text(t.Body), StringComparison.Ordinal));
    }

    [Fact]
    public void Only_the_gateway_and_delegating_projects_get_the_signing_key_and_only_the_stream_owner_runs_jetstream()
    {
        var signers = deployment.OfType("AWS::ECS::TaskDefinition")
            .Select(t => t.Body["Properties"]!["ContainerDefinitions"]!.AsArray()[0]!)
            .Where(app => Text(app["Secrets"] ?? new JsonArray()).Contains("Messaging__CallerSigningKey", StringComparison.Ordinal))
            .Select(app => app["Name"]!.GetValue<string>())
            .Order();
        Assert.Equal(["gateway", "orchestration"], signers);

        var nats = deployment.Manifest.OfKind(ResourceKind.Nats).Single();
        var owners = NatsDeployment.UsersOf(deployment.Manifest, nats, NatsDeployment.PasswordParameterOf(nats))
            .Where(u => u.Permissions?.Publish.Contains("$JS.API.>") == true)
            .Select(u => u.Name);
        Assert.Equal(["event-bus"], owners);
    }

    [Fact]
    public void The_image_step_is_generated_for_every_project()
    {
        var script = File.ReadAllText(Path.Combine(deployment.Folder, "cdk.out", "publish-images.sh"));
        foreach (var project in deployment.Manifest.OfKind(ResourceKind.Project))
        {
            Assert.Contains($"-p:ContainerRepository=gaming/{project.Name} ", script, StringComparison.Ordinal);
        }

        Assert.Equal(deployment.Manifest.OfKind(ResourceKind.Project).Count(), Regex.Matches(script, "-t:PublishContainer").Count);
    }

    [Fact]
    public async Task The_tool_names_an_unmappable_resource_and_fails()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(deployment.ManifestPath))!;
        manifest["resources"]!["leaderboard-db"] = new JsonObject { ["type"] = "postgres.server.v0" };
        var path = Path.Combine(deployment.Folder, "unknown-manifest.json");
        await File.WriteAllTextAsync(path, manifest.ToJsonString());
        var tool = Path.Combine(AppContext.BaseDirectory, "GamingSystem.Deploy.dll");
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList = { tool, "--manifest", path, "--out", Path.Combine(deployment.Folder, "unknown-out") },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("'leaderboard-db'", await errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(deployment.Folder, "unknown-out")));
    }

    [Fact]
    public async Task A_connection_string_given_to_the_apphost_becomes_a_secret_filled_from_a_noecho_parameter()
    {
        // The AppHost given an LLM endpoint (its key inside): the manifest has a secret parameter without a value.
        const string key = "fake-key-for-this-test-0123456789";
        var folder = Path.Combine(deployment.Folder, "llm");
        var manifestPath = Path.Combine(folder, "aspire-manifest.json");
        await DeploymentFixture.PublishManifestAsync(manifestPath, $"--ConnectionStrings:{GamingSystem.Contracts.ResourceNames.Llm}", $"Endpoint=https://llm.example.com/v1;Key={key};Model=m");
        Assert.DoesNotContain(key, await File.ReadAllTextAsync(manifestPath), StringComparison.Ordinal);

        var templatePath = await Task.Run(() => Synthesizer.Synthesize(manifestPath, null, Path.Combine(folder, "cdk.out")));
        var text = await File.ReadAllTextAsync(templatePath);
        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        var template = JsonNode.Parse(text)!;
        var parameter = template["Parameters"]![GamingStack.StackParameterName(GamingSystem.Contracts.ResourceNames.Llm)]!;
        Assert.True(parameter["NoEcho"]!.GetValue<bool>());
        var aiIntegration = template["Resources"]!.AsObject()
            .Select(r => r.Value!)
            .Where(r => r["Type"]!.GetValue<string>() == "AWS::ECS::TaskDefinition")
            .Select(r => r["Properties"]!["ContainerDefinitions"]!.AsArray()[0]!)
            .Single(c => c["Name"]!.GetValue<string>() == GamingSystem.Contracts.ResourceNames.AiIntegration);
        Assert.Contains("ConnectionStrings__llm", Text(aiIntegration["Secrets"]!), StringComparison.Ordinal);
        Assert.DoesNotContain("ConnectionStrings__llm", Text(aiIntegration["Environment"]!), StringComparison.Ordinal);
    }

    internal static string Text(JsonNode node) => node.ToJsonString();

    /// <summary>A password-looking literal: 22+ letters and digits after a credential key.</summary>
    [GeneratedRegex(@"(password|pass|token)[=:]\s*""?[A-Za-z0-9_\-]{16,}", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordLiteral();
}
