using GamingSystem.Contracts.Settings.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Settings.Handlers;

public sealed class GetHandler(SettingsStore store) : IServiceHandler<GetSettingsRequest, PlayerSettings>
{
    public async ValueTask<PlayerSettings> HandleAsync(GetSettingsRequest request, CallContext context)
    {
        var playerId = SettingsRules.Player(context);
        // Nothing is stored until the player changes something: millions of players who never open the menu cost nothing.
        return await store.GetAsync(playerId).ConfigureAwait(false) ?? SettingsDefaults.For(playerId);
    }
}
