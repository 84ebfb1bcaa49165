using System.Net;
using System.Net.Sockets;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>
/// Hands out loopback ports for one run. A free port is one the kernel picked for a probe
/// socket, never handed out twice in the run, and free on IPv6 loopback too, because projects
/// listen on "localhost", which Kestrel binds on both.
/// </summary>
internal sealed class PortAllocator
{
    private const int MaxAttempts = 64;
    private readonly HashSet<int> _handedOut = [];
    private readonly Lock _lock = new();

    public int AllocateFreePort()
    {
        lock (_lock)
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var port = ProbeFreePort();
                if (!_handedOut.Contains(port) && IsFreeOnIPv6(port))
                {
                    _handedOut.Add(port);
                    return port;
                }
            }
        }

        throw new DistributedApplicationException("No free loopback port could be found.");
    }

    /// <summary>Claims a fixed port, failing early with a clear message when something already listens there.</summary>
    public int ClaimFixedPort(int port, string owner)
    {
        lock (_lock)
        {
            if (_handedOut.Contains(port) || !IsFree(IPAddress.Loopback, port) || !IsFreeOnIPv6(port))
            {
                throw new DistributedApplicationException(
                    $"Port {port} for '{owner}' is already in use. Stop whatever listens there, or choose another port.");
            }

            _handedOut.Add(port);
            return port;
        }
    }

    private static int ProbeFreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static bool IsFreeOnIPv6(int port) => !Socket.OSSupportsIPv6 || IsFree(IPAddress.IPv6Loopback, port);

    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            // This machine has no such loopback (e.g. IPv6 disabled): nothing can clash there.
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
