using GamingSystem.Contracts;
using GamingSystem.StoryTeller;
using GamingSystem.StoryTeller.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);
builder.AddAiContent();

builder.Services.Configure<StoryOptions>(builder.Configuration.GetSection(StoryOptions.SectionName));
builder.Services.AddSingleton<ArcStore>();
builder.Services.AddSingleton<BeatWriter>();
builder.AddNatsService(ContractRegistry.StoryTeller)
    .AddHandler<StartArcHandler>()
    .AddHandler<NextBeatHandler>()
    .AddHandler<StreamNextBeatHandler>()
    .AddHandler<GetArcHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
