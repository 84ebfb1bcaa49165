namespace Aspire.Hosting.ApplicationModel;

/// <summary>A server that runs as a process here and keeps its data in a folder of the run unless told otherwise.</summary>
public interface IServerResource : IResourceWithConnectionString
{
    /// <summary>Where the server keeps its data across runs; <see langword="null"/> keeps it for one run only.</summary>
    string? DataDirectory { get; set; }

    /// <summary>Whether clients must connect with TLS, verifying the server against the run's development CA.</summary>
    bool TlsEnabled { get; set; }
}
