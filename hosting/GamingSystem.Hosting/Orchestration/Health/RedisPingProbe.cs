using System.Net.Sockets;
using System.Text;

namespace GamingSystem.Hosting.Orchestration.Health;

/// <summary>
/// Healthy when redis-server accepts the password and answers PING. Speaks RESP on a plain
/// socket so the hosting layer needs no Redis client; a server still loading its AOF answers
/// -LOADING and counts as unhealthy.
/// </summary>
internal sealed class RedisPingProbe(string host, int port, string password) : IHealthProbe
{
    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(Command("AUTH", password) + Command("PING")), cancellationToken).ConfigureAwait(false);

        var reply = new StringBuilder();
        var buffer = new byte[256];
        while (CountLines(reply) < 2)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            reply.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return reply.ToString() == "+OK\r\n+PONG\r\n";
    }

    private static string Command(params string[] parts) =>
        $"*{parts.Length}\r\n" + string.Concat(parts.Select(p => $"${Encoding.UTF8.GetByteCount(p)}\r\n{p}\r\n"));

    private static int CountLines(StringBuilder text) => text.ToString().Split("\r\n").Length - 1;
}
