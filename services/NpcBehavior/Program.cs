using GamingSystem.Contracts;
using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.NpcBehavior;
using GamingSystem.NpcBehavior.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);
builder.AddAiContent();

builder.Services.AddSingleton<NpcStore>();
builder.AddNatsService(ContractRegistry.NpcBehavior)
    .AddHandler<RegisterNpcHandler>()
    .AddHandler<GetNpcHandler>()
    .AddHandler<DecideHandler>()
    .AddHandler<TalkHandler>();
builder.AddEventHandler<TimeTick, TimeTickHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
