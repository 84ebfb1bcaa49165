using GamingSystem.Contracts;
using GamingSystem.QuestSystem;
using GamingSystem.QuestSystem.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);
builder.AddAiContent();

builder.Services.Configure<QuestOptions>(builder.Configuration.GetSection(QuestOptions.SectionName));
builder.Services.AddSingleton<QuestStore>();
builder.Services.AddSingleton<QuestRewards>();
builder.Services.AddSingleton<QuestEvents>();
builder.AddNatsService(ContractRegistry.QuestSystem)
    .AddHandler<GenerateQuestHandler>()
    .AddHandler<GetQuestHandler>()
    .AddHandler<AcceptQuestHandler>()
    .AddHandler<ReportProgressHandler>()
    .AddHandler<CompleteQuestHandler>()
    .AddHandler<AbandonQuestHandler>()
    .AddHandler<ListQuestsHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
