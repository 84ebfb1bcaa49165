using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.WeatherManager.Handlers;

public sealed class GetWeatherHandler(WeatherBook book) : IServiceHandler<GetWeatherRequest, Weather>
{
    public async ValueTask<Weather> HandleAsync(GetWeatherRequest request, CallContext context)
    {
        RegionField.Check(request.RegionId);
        return (await book.CurrentAsync(request.RegionId, context.CancellationToken).ConfigureAwait(false)).Weather;
    }
}
