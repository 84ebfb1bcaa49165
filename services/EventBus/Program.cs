using GamingSystem.Contracts;
using GamingSystem.EventBus;
using GamingSystem.EventBus.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);

builder.Services.AddSingleton<EventLog>();
builder.Services.Configure<WatchOptions>(builder.Configuration.GetSection(WatchOptions.SectionName));
builder.AddNatsService(ContractRegistry.EventBus)
    .AddHandler<PublishHandler>()
    .AddHandler<ReplayHandler>()
    .AddHandler<ListDeadLettersHandler>()
    .AddHandler<RedriveHandler>()
    .AddHandler<WatchHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
