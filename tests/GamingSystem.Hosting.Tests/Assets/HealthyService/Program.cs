using System.Collections;

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.MapGet("/health", () => "Healthy");

// The tests compare what the child received with what the orchestrator says it injected.
app.MapGet("/env", () => Environment.GetEnvironmentVariables()
    .Cast<DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value));

app.Run();
