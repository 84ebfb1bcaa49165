using GamingSystem.Contracts;
using GamingSystem.WorldState;
using GamingSystem.WorldState.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);

builder.Services.AddSingleton<RegionStore>();
builder.Services.AddSingleton<WorldEvents>();
builder.Services.AddHostedService<RegionSeeder>();
builder.AddNatsService(ContractRegistry.WorldState)
    .AddHandler<GetRegionHandler>()
    .AddHandler<ListRegionsHandler>()
    .AddHandler<UpdateRegionHandler>()
    .AddHandler<MovePlayerHandler>()
    .AddHandler<GetPlayerLocationHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
