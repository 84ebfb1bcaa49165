using GamingSystem.Contracts;
using GamingSystem.Settings;
using GamingSystem.Settings.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);

builder.Services.AddSingleton<SettingsStore>();
builder.Services.AddSingleton<SettingsEvents>();
builder.AddNatsService(ContractRegistry.Settings)
    .AddHandler<GetHandler>()
    .AddHandler<UpdateHandler>()
    .AddHandler<ResetHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
