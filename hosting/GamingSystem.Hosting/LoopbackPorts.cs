using System.Net;
using System.Net.Sockets;

namespace Aspire.Hosting;

/// <summary>Ports chosen by the AppHost itself, for what a server's configuration file names but no endpoint carries (a cluster's routes).</summary>
internal static class LoopbackPorts
{
    /// <summary>A loopback port that was free a moment ago: the system's pick for a listener on port 0.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
