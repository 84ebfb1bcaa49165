using GamingSystem.Contracts.Auth.V1;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GamingSystem.Auth.Handlers;

public sealed partial class RegisterHandler(AccountStore accounts, EventPublisher events, IOptions<AuthOptions> options, TimeProvider time, ILogger<RegisterHandler> logger)
    : IServiceHandler<RegisterRequest, RegisterResponse>
{
    public async ValueTask<RegisterResponse> HandleAsync(RegisterRequest request, CallContext context)
    {
        AuthRules.Username(request.Username);
        AuthRules.NewPassword(request.Password);

        var playerId = Guid.CreateVersion7().ToString("N");
        var hash = Secrets.HashPassword(request.Password, options.Value.PasswordIterations);
        if (!await accounts.CreateAsync(request.Username, playerId, hash).ConfigureAwait(false))
        {
            throw ServiceException.AlreadyExists($"username '{request.Username}' is taken");
        }

        LogRegistered(request.Username, playerId);
        var registered = new PlayerRegistered { PlayerId = playerId, Username = request.Username, RegisteredAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()) };
        await events.TryPublishEventAsync(registered, $"auth:registered:{playerId}").ConfigureAwait(false);
        return new RegisterResponse { PlayerId = playerId };
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Registered {Username} as player {PlayerId}")]
    private partial void LogRegistered(string username, string playerId);
}
