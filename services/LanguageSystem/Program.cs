using GamingSystem.Contracts;
using GamingSystem.LanguageSystem.Catalog;
using GamingSystem.LanguageSystem.Detection;
using GamingSystem.LanguageSystem.Handlers;
using GamingSystem.LanguageSystem.Translation;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);
builder.AddAiContent();

builder.Services.AddSingleton<StringCatalog>();
builder.Services.AddSingleton<StringOverrides>();
builder.Services.AddSingleton(_ => TrigramModel.FromResources());
builder.Services.AddSingleton(_ => Glossary.FromResources());
builder.AddNatsService(ContractRegistry.LanguageSystem)
    .AddHandler<TranslateHandler>()
    .AddHandler<ListLocalesHandler>()
    .AddHandler<UpsertStringHandler>()
    .AddHandler<DetectLanguageHandler>()
    .AddHandler<MachineTranslateHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
