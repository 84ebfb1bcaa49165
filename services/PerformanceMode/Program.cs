using GamingSystem.Contracts;
using GamingSystem.PerformanceMode.Handlers;
using GamingSystem.PerformanceMode.Mode;
using GamingSystem.PerformanceMode.Quality;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);

builder.Services.AddOptions<QualityOptions>().BindConfiguration(QualityOptions.SectionName);
builder.Services.AddOptions<ModeOptions>().BindConfiguration(ModeOptions.SectionName);
builder.Services.AddSingleton<ClientStateStore>();
builder.Services.AddSingleton<ModeOverrideStore>();
builder.Services.AddSingleton<ServerStatusReader>();
builder.Services.AddSingleton<StatsSampler>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<StatsSampler>());
builder.AddNatsService(ContractRegistry.PerformanceMode)
    .AddHandler<ReportClientMetricsHandler>()
    .AddHandler<GetServerModeHandler>()
    .AddHandler<SetServerModeHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
