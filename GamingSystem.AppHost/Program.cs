using GamingSystem.Contracts;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

var nats = builder.AddNats(ResourceNames.Nats).WithJetStream();
var redis = builder.AddRedis(ResourceNames.Redis);

var stateManager = builder.AddProject<Projects.StateManager>(ResourceNames.StateManager)
    .WithReference(nats).WaitFor(nats)
    .WithReference(redis).WaitFor(redis);

// 8000 unless overridden (--Gateway:Port 8001); the testing builder picks a free port instead.
builder.AddProject<Projects.Gateway>(ResourceNames.Gateway)
    .WithHttpEndpoint(port: builder.Configuration.GetValue("Gateway:Port", 8000))
    .WithReference(nats).WaitFor(nats)
    .WithReference(stateManager).WaitFor(stateManager);

builder.Build().Run();

public partial class Program;
