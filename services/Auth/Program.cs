using GamingSystem.Auth;
using GamingSystem.Auth.Handlers;
using GamingSystem.Contracts;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);

builder.AddAuthStore();
builder.AddNatsService(ContractRegistry.Auth)
    .AddHandler<RegisterHandler>()
    .AddHandler<LoginHandler>()
    .AddHandler<ValidateHandler>()
    .AddHandler<LogoutHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
