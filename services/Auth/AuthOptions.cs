using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Auth;

/// <summary>Account and session rules, bound from <c>Auth</c>; the defaults are the design's.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>A session lasts this long after its last use (sliding).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>This many failed logins within <see cref="FailureWindow"/> lock the account for <see cref="LockoutDuration"/>.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>PBKDF2-SHA256 iterations for new passwords; stored with each hash, so raising it never breaks old ones.</summary>
    public int PasswordIterations { get; set; } = 100_000;
}

public static class AuthExtensions
{
    public static IHostApplicationBuilder AddAuthStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .Validate(o => o.SessionLifetime >= TimeSpan.FromMinutes(1), "Auth:SessionLifetime must be at least a minute")
            .Validate(o => o.MaxFailedLogins >= 1, "Auth:MaxFailedLogins must be at least 1")
            .Validate(o => o.FailureWindow > TimeSpan.Zero && o.LockoutDuration > TimeSpan.Zero, "Auth:FailureWindow and Auth:LockoutDuration must be positive")
            .Validate(o => o.PasswordIterations >= 100_000, "Auth:PasswordIterations must be at least 100,000")
            .ValidateOnStart();
        builder.Services.AddSingleton<AccountStore>();
        return builder;
    }
}
