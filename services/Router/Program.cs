using GamingSystem.Contracts;
using GamingSystem.Router;
using GamingSystem.Router.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);

builder.Services.AddSingleton<CommandTable>();
builder.AddNatsService(ContractRegistry.Router)
    .AddHandler<DispatchHandler>()
    .AddHandler<ListRoutesHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
