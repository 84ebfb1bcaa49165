using GamingSystem.Contracts;
using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.WeatherManager;
using GamingSystem.WeatherManager.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);

builder.Services.AddOptions<WeatherOptions>().BindConfiguration(WeatherOptions.SectionName);
builder.Services.AddSingleton<WeatherStore>();
builder.Services.AddSingleton<Regions>();
builder.Services.AddSingleton<WeatherBook>();
builder.AddNatsService(ContractRegistry.WeatherManager)
    .AddHandler<GetWeatherHandler>()
    .AddHandler<GetForecastHandler>();
builder.AddEventHandler<TimeTick, TimeTickHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
