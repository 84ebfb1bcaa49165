using GamingSystem.Contracts;
using GamingSystem.KnowledgeBase;
using GamingSystem.KnowledgeBase.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);
builder.AddAiContent();

builder.Services.AddSingleton<KnowledgeStore>();
builder.Services.AddHostedService<LoreSeeder>();
builder.AddNatsService(ContractRegistry.KnowledgeBase)
    .AddHandler<IngestHandler>()
    .AddHandler<SearchHandler>()
    .AddHandler<AnswerHandler>()
    .AddHandler<DeleteHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
