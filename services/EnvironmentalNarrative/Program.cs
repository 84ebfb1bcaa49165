using GamingSystem.Contracts;
using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.EnvironmentalNarrative;
using GamingSystem.EnvironmentalNarrative.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);
builder.AddAiContent();

builder.Services.AddSingleton<NarrativeStore>();
builder.Services.AddSingleton<SceneInputs>();
builder.AddNatsService(ContractRegistry.EnvironmentalNarrative)
    .AddHandler<DescribeHandler>();
builder.AddEventHandler<RegionChanged, RegionChangedHandler>();
builder.AddEventHandler<WeatherChanged, WeatherChangedHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
