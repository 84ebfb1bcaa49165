using GamingSystem.Contracts;
using GamingSystem.ModelManagement;
using GamingSystem.ModelManagement.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);

builder.AddModelCatalog();
builder.AddNatsService(ContractRegistry.ModelManagement)
    .AddHandler<RegisterModelHandler>()
    .AddHandler<GetModelHandler>()
    .AddHandler<ListModelsHandler>()
    .AddHandler<SetStatusHandler>()
    .AddHandler<SetDefaultHandler>()
    .AddHandler<ListDefaultsHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
