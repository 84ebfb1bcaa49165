using GamingSystem.Contracts;
using GamingSystem.StateManager;
using GamingSystem.StateManager.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);

builder.Services.AddSingleton<StateStore>();
builder.Services.AddSingleton<StateEvents>();
builder.AddNatsService(ContractRegistry.StateManager)
    .AddHandler<GetHandler>()
    .AddHandler<PutHandler>()
    .AddHandler<DeleteHandler>()
    .AddHandler<ListHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
