using GamingSystem.Contracts;
using GamingSystem.Orchestration;
using GamingSystem.Orchestration.Handlers;
using GamingSystem.Orchestration.Onboarding;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNatsClient(ResourceNames.Nats);
builder.AddRedisClient(ResourceNames.Redis);

builder.Services.Configure<OnboardingOptions>(builder.Configuration.GetSection(OnboardingOptions.SectionName));
builder.Services.AddWorkflow<PlayerOnboarding>();
builder.Services.AddWorkflowRunner(builder.Configuration);
builder.AddNatsService(ContractRegistry.Orchestration)
    .AddHandler<StartWorkflowHandler>()
    .AddHandler<GetWorkflowHandler>()
    .AddHandler<CancelWorkflowHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
