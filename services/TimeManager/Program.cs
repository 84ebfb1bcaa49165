using GamingSystem.Contracts;
using GamingSystem.TimeManager;
using GamingSystem.TimeManager.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);

builder.Services.AddOptions<TimeOptions>().BindConfiguration(TimeOptions.SectionName);
builder.Services.AddSingleton<ClockStore>();
builder.Services.AddSingleton<ClockChanges>();
builder.AddNatsService(ContractRegistry.TimeManager)
    .AddHandler<GetTimeHandler>()
    .AddHandler<SetScaleHandler>()
    .AddHandler<PauseHandler>()
    .AddHandler<ResumeHandler>();
builder.Services.AddHostedService<Ticker>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
