using GamingSystem.AiRouter;
using GamingSystem.AiRouter.Handlers;
using GamingSystem.Contracts;
// ASP.NET Core has a RouteHandler of its own in the implicit usings.
using RouteHandler = GamingSystem.AiRouter.Handlers.RouteHandler;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);

builder.AddModelRouting();
builder.AddNatsService(ContractRegistry.AiRouter)
    .AddHandler<RouteHandler>()
    .AddHandler<GetRoutingStatsHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
