using GamingSystem.Contracts;
using GamingSystem.Payment;
using GamingSystem.Payment.Handlers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);

builder.Services.AddSingleton<WalletStore>();
builder.Services.AddSingleton<PaymentEvents>();
builder.AddNatsService(ContractRegistry.Payment)
    .AddHandler<OpenWalletHandler>()
    .AddHandler<GetBalanceHandler>()
    .AddHandler<CreditHandler>()
    .AddHandler<ChargeHandler>()
    .AddHandler<TransferHandler>()
    .AddHandler<ListTransactionsHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
