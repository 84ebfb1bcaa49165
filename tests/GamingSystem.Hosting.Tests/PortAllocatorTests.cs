using System.Net;
using System.Net.Sockets;
using GamingSystem.Hosting.Orchestration;

namespace GamingSystem.Hosting.Tests;

public sealed class PortAllocatorTests
{
    [Fact]
    public void Free_ports_are_distinct_and_bindable()
    {
        var allocator = new PortAllocator();

        var ports = Enumerable.Range(0, 20).Select(_ => allocator.AllocateFreePort()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        foreach (var port in ports)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }
    }

    [Fact]
    public void A_fixed_port_in_use_fails_with_the_port_and_owner_named()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var busyPort = ((IPEndPoint)listener.LocalEndpoint).Port;

        var error = Assert.Throws<DistributedApplicationException>(() => new PortAllocator().ClaimFixedPort(busyPort, "gateway/http"));

        Assert.Contains($"Port {busyPort}", error.Message, StringComparison.Ordinal);
        Assert.Contains("gateway/http", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fixed_port_is_claimed_once()
    {
        var allocator = new PortAllocator();
        var port = allocator.AllocateFreePort();

        Assert.Throws<DistributedApplicationException>(() => allocator.ClaimFixedPort(port, "second"));
    }
}
