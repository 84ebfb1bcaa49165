using System.Collections.Concurrent;
using System.Globalization;
using GamingSystem.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>
/// Everything one run decides that the model must not hold: ports, parameter values, the
/// temporary folder for config files and, unless a data directory was given, for data.
/// </summary>
internal sealed class RunContext : IValueResolver
{
    private readonly Dictionary<(IResource Resource, int Replica, string Endpoint), AllocatedEndpoint> _endpoints = [];
    private readonly ConcurrentDictionary<ParameterResource, string> _parameters = new();
    private const string RunDirectoryPrefix = "gamingsystem-run-";
    private const string OwnerFileName = "apphost.pid";
    private readonly IConfiguration _configuration;

    private RunContext(string runId, string runDirectory, string dataDirectory, IConfiguration configuration)
    {
        RunId = runId;
        RunDirectory = runDirectory;
        DataDirectory = dataDirectory;
        _configuration = configuration;
    }

    public string RunId { get; }

    /// <summary>Per-run folder (mode 0700) for generated config files that carry secrets; deleted at stop.</summary>
    public string RunDirectory { get; }

    public string DataDirectory { get; }

    public static RunContext Create(
        string runId, IReadOnlyList<IResource> resources, DistributedApplicationOptions options, IConfiguration configuration)
    {
        SweepAbandonedRunDirectories();
        var runDirectory = CreateDirectory(Path.Combine(Path.GetTempPath(), $"{RunDirectoryPrefix}{runId}"));
        WritePrivateFile(Path.Combine(runDirectory, OwnerFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var dataDirectory = options.DataDirectory is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(runDirectory, "data");

        var context = new RunContext(runId, runDirectory, dataDirectory, configuration);
        try
        {
            context.AllocateEndpoints(resources, options.RandomizePorts);
            foreach (var parameter in resources.OfType<ParameterResource>())
            {
                _ = context.GetParameterValue(parameter);
            }
        }
        catch
        {
            context.DeleteRunDirectory();
            throw;
        }

        return context;
    }

    public AllocatedEndpoint GetAllocatedEndpoint(EndpointReference endpoint) =>
        _endpoints.TryGetValue((endpoint.Resource, endpoint.ReplicaIndex, endpoint.EndpointName), out var allocated)
            ? allocated
            : throw new InvalidOperationException(
                $"Endpoint '{endpoint.EndpointName}' of '{endpoint.Resource.Name}' (replica {endpoint.ReplicaIndex}) is not part of this run.");

    public IReadOnlyList<(string Name, AllocatedEndpoint Endpoint)> GetEndpoints(IResource resource, int replicaIndex) =>
        [.. resource.GetEndpointAnnotations().Select(e => (e.Name, _endpoints[(resource, replicaIndex, e.Name)]))];

    public string GetParameterValue(ParameterResource parameter) =>
        _parameters.GetOrAdd(parameter, p =>
            _configuration[p.ConfigurationKey] is { Length: > 0 } configured ? configured
            : p.GeneratedDefault is { } generated ? SecretGenerator.Generate(generated)
            : throw new DistributedApplicationException(
                $"Parameter '{p.Name}' has no value: set configuration key '{p.ConfigurationKey}' (user secrets, environment or command line)."));

    /// <summary>A folder under the run directory, created private to this user.</summary>
    public string CreatePrivateDirectory(params string[] parts) => CreateDirectory(Path.Combine([RunDirectory, .. parts]));

    /// <summary>A folder under the data directory, created private to this user.</summary>
    public string CreateDataDirectory(params string[] parts) => CreateDirectory(Path.Combine([DataDirectory, .. parts]));

    /// <summary>Writes a file readable only by this user, since config files carry passwords.</summary>
    public static void WritePrivateFile(string path, string contents)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // No BOM: nats-server and redis-server read it as part of the first directive.
        using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(contents);
    }

    public void DeleteRunDirectory()
    {
        try
        {
            Directory.Delete(RunDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone: nothing to clean up.
        }
    }

    /// <summary>
    /// An AppHost killed with SIGKILL cannot delete its run directory; the next run removes
    /// those whose owner process is gone. Directories of AppHosts still running are left alone.
    /// </summary>
    private static void SweepAbandonedRunDirectories()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), RunDirectoryPrefix + "*"))
        {
            try
            {
                var owner = int.Parse(File.ReadAllText(Path.Combine(directory, OwnerFileName)), CultureInfo.InvariantCulture);
                if (!Directory.Exists($"/proc/{owner}"))
                {
                    // Owner file last: if its dying children still write meanwhile and a delete
                    // fails, the next run still knows whose directory this was.
                    foreach (var subdirectory in Directory.EnumerateDirectories(directory))
                    {
                        Directory.Delete(subdirectory, recursive: true);
                    }

                    Directory.Delete(directory, recursive: true);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                // Not ours to judge (another user's, or being created right now): leave it.
            }
        }
    }

    private static string CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    private void AllocateEndpoints(IReadOnlyList<IResource> resources, bool randomizePorts)
    {
        var ports = new PortAllocator();
        foreach (var resource in resources)
        {
            for (var replica = 0; replica < resource.GetReplicaCount(); replica++)
            {
                foreach (var endpoint in resource.GetEndpointAnnotations())
                {
                    var port = endpoint.Port is { } fixedPort && !randomizePorts
                        ? ports.ClaimFixedPort(fixedPort, $"{resource.Name}/{endpoint.Name}")
                        : ports.AllocateFreePort();
                    _endpoints[(resource, replica, endpoint.Name)] = new AllocatedEndpoint(endpoint.Scheme, endpoint.TargetHost, port);
                }
            }
        }
    }
}
