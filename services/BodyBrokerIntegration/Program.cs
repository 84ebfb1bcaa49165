using GamingSystem.BodyBrokerIntegration;
using GamingSystem.BodyBrokerIntegration.Handlers;
using GamingSystem.Contracts;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);

builder.Services.AddSingleton<OfferStore>();
builder.Services.AddSingleton<OfferEvents>();
builder.Services.AddSingleton<OfferPayments>();
builder.AddNatsService(ContractRegistry.BodyBrokerIntegration)
    .AddHandler<CreateOfferHandler>()
    .AddHandler<GetOfferHandler>()
    .AddHandler<ListOffersHandler>()
    .AddHandler<BuyHandler>()
    .AddHandler<CancelOfferHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
