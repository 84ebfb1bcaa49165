namespace GamingSystem.Hosting.Tests.Support;

/// <summary>
/// A test that takes over a minute: skipped unless GAMINGSYSTEM_LONG_TESTS=1, so the suite
/// stays fast while the long check stays one variable away.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LongFactAttribute : FactAttribute
{
    public const string EnableVariable = "GAMINGSYSTEM_LONG_TESTS";

    public LongFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(EnableVariable) != "1")
        {
            Skip = $"Takes over a minute; set {EnableVariable}=1 to run it.";
        }
    }
}
