namespace GamingSystem.Hosting.Orchestration.Health;

/// <summary>One check of whether an instance serves; false or an exception means unhealthy.</summary>
internal interface IHealthProbe
{
    Task<bool> CheckAsync(CancellationToken cancellationToken);
}
