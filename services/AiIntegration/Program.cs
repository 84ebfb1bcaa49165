using GamingSystem.AiIntegration;
using GamingSystem.AiIntegration.Handlers;
using GamingSystem.Contracts;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);

builder.AddAiProviders();
builder.AddNatsService(ContractRegistry.AiIntegration)
    .AddHandler<GenerateHandler>()
    .AddHandler<StreamGenerateHandler>()
    .AddHandler<ListProvidersHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
