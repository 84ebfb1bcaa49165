using GamingSystem.Contracts.Auth.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GamingSystem.Auth.Handlers;

/// <summary>
/// A wrong username and a wrong password get the same answer, after the same work (a hash is checked either way),
/// so a caller learns nothing about which usernames exist. Failures are counted per username, existing or not.
/// </summary>
public sealed partial class LoginHandler(AccountStore accounts, IOptions<AuthOptions> options, ILogger<LoginHandler> logger)
    : IServiceHandler<LoginRequest, LoginResponse>
{
    private static readonly string DecoyHash = Secrets.HashPassword(Secrets.NewToken(), 100_000);

    public async ValueTask<LoginResponse> HandleAsync(LoginRequest request, CallContext context)
    {
        AuthRules.Username(request.Username);
        AuthRules.Password(request.Password);

        if (await accounts.LockedForAsync(request.Username).ConfigureAwait(false) is { } locked)
        {
            throw Locked(locked);
        }

        var account = await accounts.FindAsync(request.Username).ConfigureAwait(false);
        if (!Secrets.VerifyPassword(request.Password, account?.PasswordHash ?? DecoyHash) || account is null)
        {
            if (await accounts.RecordFailureAsync(request.Username).ConfigureAwait(false))
            {
                LogLocked(request.Username, options.Value.MaxFailedLogins);
            }

            throw new ServiceException(ErrorCode.Unauthenticated, "wrong username or password");
        }

        await accounts.ClearFailuresAsync(request.Username).ConfigureAwait(false);
        var token = Secrets.NewToken();
        var expiresAt = await accounts.CreateSessionAsync(Secrets.TokenHash(token), account).ConfigureAwait(false);
        return new LoginResponse { Token = token, PlayerId = account.PlayerId, ExpiresAt = Timestamp.FromDateTimeOffset(expiresAt) };
    }

    private ServiceException Locked(TimeSpan left) => new(
        ErrorCode.ResourceExhausted,
        $"too many failed logins: the account is locked for {AccountStore.Seconds(left)} more seconds",
        details: new Dictionary<string, string> { ["retry_after_ms"] = ((long)Math.Ceiling(left.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) });

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Account {Username} locked after {Failures} failed logins")]
    private partial void LogLocked(string username, int failures);
}
