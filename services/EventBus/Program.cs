using GamingSystem.Contracts;
using GamingSystem.EventBus;
using GamingSystem.EventBus.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);

builder.Services.AddSingleton<EventLog>();
builder.AddNatsService(ContractRegistry.EventBus)
    .AddHandler<PublishHandler>()
    .AddHandler<ReplayHandler>()
    .AddHandler<ListDeadLettersHandler>()
    .AddHandler<RedriveHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
