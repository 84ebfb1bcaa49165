using GamingSystem.CapabilityRegistry;
using GamingSystem.CapabilityRegistry.Handlers;
using GamingSystem.Contracts;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);

builder.Services.AddSingleton<InstanceStore>();
builder.AddNatsService(ContractRegistry.CapabilityRegistry)
    .AddHandler<RegisterHandler>()
    .AddHandler<HeartbeatHandler>()
    .AddHandler<DeregisterHandler>()
    .AddHandler<FindHandler>()
    .AddHandler<ListHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
