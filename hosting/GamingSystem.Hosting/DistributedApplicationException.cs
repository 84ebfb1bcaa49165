namespace GamingSystem.Hosting;

/// <summary>
/// A problem with the application model or the machine that stops the AppHost from starting;
/// the message is written for the developer who has to fix it.
/// </summary>
public sealed class DistributedApplicationException : Exception
{
    public DistributedApplicationException()
    {
    }

    public DistributedApplicationException(string message)
        : base(message)
    {
    }

    public DistributedApplicationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
