using GamingSystem.Contracts;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

var nats = builder.AddNats(ResourceNames.Nats).WithJetStream();
var redis = builder.AddRedis(ResourceNames.Redis);
// --Tls true: NATS and Redis speak TLS only, with certificates from a CA made for the run (docs/security.md).
if (builder.Configuration.GetValue("Tls", false))
{
    nats.WithTls();
    redis.WithTls();
}

// --Cluster true: NATS as three routed nodes (every stream on all three) and Redis as a three-primary Redis Cluster,
// all on loopback, as in production (docs/reliability.md); nats-2, nats-3, redis-2 and redis-3 appear beside them.
if (builder.Configuration.GetValue("Cluster", false))
{
    nats.WithCluster(nodes: 3);
    redis.WithCluster(nodes: 3);
}

// Owns the JetStream streams: creates them, replays them, dead letters, redrive. Services that publish events wait for it.
var eventBus = builder.AddService<Projects.EventBus>(ResourceNames.EventBus)
    .WithEventStreams()
    .WithReference(nats).WaitFor(nats);

// Which service instances are alive and what they can do: every service registers itself and heartbeats.
var capabilityRegistry = builder.AddService<Projects.CapabilityRegistry>(ResourceNames.CapabilityRegistry)
    .WithReference(nats).WaitFor(nats)
    .WithReference(redis).WaitFor(redis);

var auth = builder.AddService<Projects.Auth>(ResourceNames.Auth)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus)
    .WithReference(redis).WaitFor(redis);

var modelManagement = builder.AddService<Projects.ModelManagement>(ResourceNames.ModelManagement)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus)
    .WithReference(redis).WaitFor(redis);

var stateManager = builder.AddService<Projects.StateManager>(ResourceNames.StateManager)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus)
    .WithReference(redis).WaitFor(redis);

var settings = builder.AddService<Projects.Settings>(ResourceNames.Settings)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus)
    .WithReference(redis).WaitFor(redis);

// The offline local provider needs nothing; an OpenAI-compatible endpoint is used only when the AppHost is given
// ConnectionStrings:llm (user secrets, environment, --ConnectionStrings:llm), so a run without one never asks for it.
var aiIntegration = builder.AddService<Projects.AiIntegration>(ResourceNames.AiIntegration)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus);
if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString(ResourceNames.Llm)))
{
    aiIntegration.WithReference(builder.AddConnectionString(ResourceNames.Llm));
}

// Chooses a model per task among model-management's and calls ai-integration with it; its breakers are in memory.
var aiRouter = builder.AddService<Projects.AiRouter>(ResourceNames.AiRouter)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus)
    .WithReference(modelManagement).WaitFor(modelManagement)
    .WithReference(aiIntegration).WaitFor(aiIntegration);

// Wallets: balances and ledgers that change atomically, at most once per idempotency key.
var payment = builder.AddService<Projects.Payment>(ResourceNames.Payment)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus)
    .WithReference(redis).WaitFor(redis);

// Durable workflows (player-onboarding): persisted per step, resumed after a crash, compensated on failure. It acts
// for the player who started a workflow even after their call ended, so it signs player ids itself.
var orchestration = builder.AddService<Projects.Orchestration>(ResourceNames.Orchestration)
    .WithPlayerDelegation()
    .WithReference(nats).WaitFor(nats)
    .WithReference(redis).WaitFor(redis)
    .WithReference(settings).WaitFor(settings)
    .WithReference(payment).WaitFor(payment);

// Players' typed commands, each routed to the service that owns it; it asks the registry which ones are running.
var router = builder.AddService<Projects.Router>(ResourceNames.Router)
    .WithReference(nats).WaitFor(nats)
    .WithReference(capabilityRegistry).WaitFor(capabilityRegistry)
    .WithReference(payment);

// Client quality recommendations with hysteresis, and the server's mode derived from every service's NATS micro
// stats, which only it may request; AI-backed services ask it whether to skip AI (survival).
var performanceMode = builder.AddService<Projects.PerformanceMode>(ResourceNames.PerformanceMode)
    .WithServiceStats()
    .WithReference(nats).WaitFor(nats)
    .WithReference(redis).WaitFor(redis);

// Localised strings with CLDR plurals (catalogues shipped, overrides in Redis), trigram language detection, and
// machine translation through ai-router with a glossary fallback.
var languageSystem = builder.AddService<Projects.LanguageSystem>(ResourceNames.LanguageSystem)
    .WithReference(nats).WaitFor(nats)
    .WithReference(redis).WaitFor(redis)
    .WithReference(aiRouter)
    .WithReference(performanceMode);

// The map of Varrow (seeded at first start) and where each player is; moves and region changes are world events.
var worldState = builder.AddService<Projects.WorldState>(ResourceNames.WorldState)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus)
    .WithReference(redis).WaitFor(redis);

// The game clock, persisted; of its replicas, the holder of a lease publishes evt.time.tick each game hour.
var timeManager = builder.AddService<Projects.TimeManager>(ResourceNames.TimeManager)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus)
    .WithReference(redis).WaitFor(redis);

// Each region's weather: a seeded Markov chain per climate, one step per tick.
var weatherManager = builder.AddService<Projects.WeatherManager>(ResourceNames.WeatherManager)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus)
    .WithReference(redis).WaitFor(redis)
    .WithReference(worldState).WaitFor(worldState)
    .WithReference(timeManager);

// A paragraph about a region now (AI-backed), cached until the region, its weather, the day phase or its events change.
var environmentalNarrative = builder.AddService<Projects.EnvironmentalNarrative>(ResourceNames.EnvironmentalNarrative)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus)
    .WithReference(redis).WaitFor(redis)
    .WithReference(worldState)
    .WithReference(weatherManager)
    .WithReference(timeManager)
    .WithReference(aiRouter)
    .WithReference(performanceMode);

// Quests: AI-written text over generated objectives; the reward credited through payment once per quest.
var questSystem = builder.AddService<Projects.QuestSystem>(ResourceNames.QuestSystem)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus)
    .WithReference(redis).WaitFor(redis)
    .WithReference(payment).WaitFor(payment)
    .WithReference(aiRouter)
    .WithReference(performanceMode);

// player-onboarding's last step gives the new player a starter quest.
orchestration.WithReference(questSystem).WaitFor(questSystem);

// The body market: an offer is reserved for one buyer (Lua compare-and-set) before payment moves the money.
var bodyBroker = builder.AddService<Projects.BodyBrokerIntegration>(ResourceNames.BodyBrokerIntegration)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus)
    .WithReference(redis).WaitFor(redis)
    .WithReference(payment).WaitFor(payment);


// NPCs: explainable utility decisions, needs that decay with each game hour's tick, dialogue in persona (AI-backed).
var npcBehavior = builder.AddService<Projects.NpcBehavior>(ResourceNames.NpcBehavior)
    .WithReference(nats).WaitFor(nats).WaitFor(eventBus)
    .WithReference(redis).WaitFor(redis)
    .WithReference(aiRouter)
    .WithReference(performanceMode);

// Players' story arcs: beats with 2-4 choices and the history; the text through ai-router, streamed from ai-integration.
var storyTeller = builder.AddService<Projects.StoryTeller>(ResourceNames.StoryTeller)
    .WithReference(nats).WaitFor(nats)
    .WithReference(redis).WaitFor(redis)
    .WithReference(aiRouter)
    .WithReference(performanceMode)
    .WithReference(aiIntegration);

// The lore as BM25-ranked passages in Redis, seeded from the bundled lore; answers through ai-router, with citations.
var knowledgeBase = builder.AddService<Projects.KnowledgeBase>(ResourceNames.KnowledgeBase)
    .WithReference(nats).WaitFor(nats)
    .WithReference(redis).WaitFor(redis)
    .WithReference(aiRouter)
    .WithReference(performanceMode);

// The services the router's commands go to ("quests", "accept", "buy", "talk").
router.WithReference(questSystem).WithReference(bodyBroker).WithReference(npcBehavior)
    .WithReference(worldState).WithReference(weatherManager).WithReference(timeManager);

// The live feed asks world-state where its player is, to send the world events of their region.
eventBus.WithReference(worldState);

// http://localhost:8000 unless overridden (--Gateway:Port 8001); the test host picks a random port instead.
builder.AddService<Projects.Gateway>(ResourceNames.Gateway, port: builder.Configuration.GetValue("Gateway:Port", 8000))
    .WithExternalHttpEndpoints()
    // The dashboard links the interactive API page beside the gateway's own address.
    .WithUrlForEndpoint("http", _ => new() { Url = "/scalar", DisplayText = "API reference (Scalar)" })
    .WithReference(nats).WaitFor(nats)
    .WithReference(eventBus).WaitFor(eventBus)
    .WithReference(auth).WaitFor(auth)
    .WithReference(capabilityRegistry).WaitFor(capabilityRegistry)
    .WithReference(router).WaitFor(router)
    .WithReference(payment).WaitFor(payment)
    .WithReference(orchestration).WaitFor(orchestration)
    .WithReference(modelManagement).WaitFor(modelManagement)
    .WithReference(stateManager).WaitFor(stateManager)
    .WithReference(settings).WaitFor(settings)
    .WithReference(aiIntegration).WaitFor(aiIntegration)
    .WithReference(aiRouter).WaitFor(aiRouter)
    .WithReference(questSystem).WaitFor(questSystem)
    .WithReference(bodyBroker).WaitFor(bodyBroker)
    .WithReference(npcBehavior).WaitFor(npcBehavior)
    .WithReference(storyTeller).WaitFor(storyTeller)
    .WithReference(knowledgeBase).WaitFor(knowledgeBase)
    .WithReference(languageSystem).WaitFor(languageSystem)
    .WithReference(performanceMode).WaitFor(performanceMode)
    .WithReference(worldState).WaitFor(worldState)
    .WithReference(timeManager).WaitFor(timeManager)
    .WithReference(weatherManager).WaitFor(weatherManager)
    .WithReference(environmentalNarrative).WaitFor(environmentalNarrative);

// --Monitoring true: Debian's Prometheus scrapes every service's /metrics and evaluates deploy/prometheus/alerts.yml;
// its UI (alerts, queries) is linked from the dashboard.
if (builder.Configuration.GetValue("Monitoring", false))
{
    builder.AddPrometheus(ResourceNames.Prometheus, "../deploy/prometheus/alerts.yml");
}

builder.Build().Run();
