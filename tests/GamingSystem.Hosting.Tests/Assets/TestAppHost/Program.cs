var builder = DistributedApplication.CreateBuilder(args);

var nats = builder.AddNats("nats").WithJetStream();
var redis = builder.AddRedis("redis");

var backend = builder.AddProject<Projects.HealthyService>("backend")
    .WithReference(nats).WaitFor(nats)
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("GREETING", "hello");

builder.AddProject<Projects.HealthyService>("front")
    .WithReference(nats).WaitFor(nats)
    .WithReference(backend).WaitFor(backend);

builder.Build().Run();

public partial class Program;
