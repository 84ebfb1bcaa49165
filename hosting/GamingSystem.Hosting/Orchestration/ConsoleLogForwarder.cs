namespace GamingSystem.Hosting.Orchestration;

/// <summary>Copies children's output to the AppHost console, each line tagged with its instance.</summary>
internal static class ConsoleLogForwarder
{
    public static void Write(string instanceName, string line, bool isErrorStream)
    {
        var writer = isErrorStream ? Console.Error : Console.Out;
        writer.WriteLine($"[{instanceName}] {line}");
    }
}
