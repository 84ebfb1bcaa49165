namespace GamingSystem.Hosting.Dashboard;

/// <summary>Bound from <c>Dashboard</c> in the AppHost's configuration (e.g. <c>--Dashboard:Port 18889</c>).</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";
    public const int DefaultPort = 18888;

    public bool Enabled { get; set; } = true;

    public int Port { get; set; } = DefaultPort;

    /// <summary>Open the login link in the default browser at start; never under CI (<c>CI</c> set) or tests.</summary>
    public bool OpenBrowser { get; set; } = true;
}

/// <summary>Where a running dashboard is and how to sign in to it.</summary>
public sealed record DashboardInfo(Uri Url, string Token)
{
    /// <summary>The link that signs a browser in (then a cookie keeps it signed in).</summary>
    public Uri LoginUrl => new(Url, $"/login?t={Token}");
}
