using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;
using GamingSystem.Contracts.BodyBrokerIntegration.V1;
using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.Contracts.Payment.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.IntegrationTests;

/// <summary>The body market through the gateway: an offer is sold at most once, and nobody pays for an offer they did not get.</summary>
[Collection(SystemCollection.Name)]
public sealed class BodyBrokerIntegrationTests(SystemFixture system) : IAsyncLifetime
{
    private const string Offers = "/api/v1/body-broker/offers";

    private readonly StateApi _api = new(system.Gateway);
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task Twenty_buyers_race_for_one_offer_exactly_one_gets_it_and_only_they_pay()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var seller = await PlayerAsync(0);
        var buyers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PlayerAsync(1000)));
        var offer = await CreateAsync(seller.Token, "synth", 87, 400, ["night-eyes", "reflex-lace"]);

        var attempts = await Task.WhenAll(buyers.Select((b, i) =>
            _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/buy", $$"""{"idempotencyKey":"race-{{i}}"}""", token: b.Token)));

        Assert.Equal(1, attempts.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Equal(19, attempts.Count(a => a.Status == HttpStatusCode.Conflict));
        var winner = buyers[Array.FindIndex(attempts, a => a.Status == HttpStatusCode.OK)];
        var sale = attempts.Single(a => a.Status == HttpStatusCode.OK).Body;
        Assert.Equal(("OFFER_STATUS_SOLD", winner.Id), (sale["offer"]!["status"]!.GetValue<string>(), sale["offer"]!["buyerPlayerId"]!.GetValue<string>()));
        foreach (var buyer in buyers)
        {
            var paid = buyer == winner ? 400 : 0;
            Assert.Equal(1000 - paid, await BalanceAsync(buyer.Token));
            Assert.Equal(buyer == winner ? ["TRANSACTION_KIND_TRANSFER_OUT", "TRANSACTION_KIND_CREDIT"] : ["TRANSACTION_KIND_CREDIT"], await LedgerKindsAsync(buyer.Token));
        }

        Assert.Equal(400, await BalanceAsync(seller.Token));
        Assert.Equal(["TRANSACTION_KIND_TRANSFER_IN"], await LedgerKindsAsync(seller.Token));
        var (_, read) = await _api.SendAsync(HttpMethod.Get, $"{Offers}/{offer}");
        Assert.Equal(("OFFER_STATUS_SOLD", winner.Id), (read["status"]!.GetValue<string>(), read["buyerPlayerId"]!.GetValue<string>()));

        var events = await EventsAsync(since, offer, 2);
        Assert.Equal(["evt.trade.offer_created", "evt.trade.offer_sold"], events.Select(e => e.Subject));
        var sold = OfferSold.Parser.ParseFrom(events[1].Payload);
        Assert.Equal((winner.Id, sale["transactionId"]!.GetValue<string>()), (sold.Offer.BuyerPlayerId, sold.TransactionId));
    }

    [Fact]
    public async Task A_buyer_short_of_money_keeps_it_a_repeat_returns_the_first_sale_and_a_seller_cannot_buy_their_own()
    {
        var seller = await PlayerAsync(0);
        var (poor, rich) = (await PlayerAsync(50), await PlayerAsync(500));
        var offer = await CreateAsync(seller.Token, "vat-grown", 40, 120, []);

        var (refused, problem) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/buy", """{"idempotencyKey":"k1"}""", token: poor.Token);
        var (own, _) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/buy", """{"idempotencyKey":"k1"}""", token: seller.Token);
        var (bought, sale) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/buy", """{"idempotencyKey":"k2"}""", token: rich.Token);
        var (repeated, replay) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/buy", """{"idempotencyKey":"k2"}""", token: rich.Token);
        var (secondKey, _) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/buy", """{"idempotencyKey":"k3"}""", token: rich.Token);
        var (late, _) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/buy", """{"idempotencyKey":"k4"}""", token: poor.Token);
        var (cancelSold, _) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/cancel", "{}", token: seller.Token);

        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains("insufficient funds", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(50, await BalanceAsync(poor.Token));
        Assert.Equal(HttpStatusCode.Conflict, own);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (bought, repeated));
        Assert.Equal(sale["transactionId"]!.GetValue<string>(), replay["transactionId"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict), (secondKey, late, cancelSold));
        Assert.Equal(380, await BalanceAsync(rich.Token));
        Assert.Equal(120, await BalanceAsync(seller.Token));
        Assert.Equal(["TRANSACTION_KIND_CREDIT"], await LedgerKindsAsync(poor.Token));
    }

    [Fact]
    public async Task With_payment_hung_the_offer_stays_reserved_for_its_buyer_whose_retry_completes_the_sale_paying_once()
    {
        var seller = await PlayerAsync(0);
        var (buyer, other) = (await PlayerAsync(300), await PlayerAsync(300));
        var offer = await CreateAsync(seller.Token, "synth", 66, 200, []);
        HttpStatusCode hung, meanwhile;
        using (new Frozen(system.ServiceProcess(ResourceNames.Payment).Id))
        {
            (hung, _) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/buy", """{"idempotencyKey":"hung-1"}""", token: buyer.Token);
            // The first buyer's payment has an unknown outcome: the offer is held for them, not sold to another.
            (meanwhile, _) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/buy", """{"idempotencyKey":"other-1"}""", token: other.Token);
        }

        Assert.Equal(HttpStatusCode.Conflict, meanwhile);
        Assert.True(hung is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout, $"the buy with payment hung answered {hung}");
        var watch = Stopwatch.StartNew();
        HttpStatusCode retried;
        JsonObject sale;
        do
        {
            (retried, sale) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/buy", """{"idempotencyKey":"hung-2"}""", token: buyer.Token);
        }
        while (retried != HttpStatusCode.OK && watch.Elapsed < TimeSpan.FromSeconds(30) && await Pause());

        Assert.Equal(HttpStatusCode.OK, retried);
        Assert.Equal(buyer.Id, sale["offer"]!["buyerPlayerId"]!.GetValue<string>());
        Assert.Equal(100, await BalanceAsync(buyer.Token));
        Assert.Equal(["TRANSACTION_KIND_TRANSFER_OUT", "TRANSACTION_KIND_CREDIT"], await LedgerKindsAsync(buyer.Token));
        Assert.Equal(200, await BalanceAsync(seller.Token));
        Assert.Equal(300, await BalanceAsync(other.Token));
    }

    [Fact]
    public async Task The_routers_buy_command_buys_through_the_market()
    {
        var seller = await PlayerAsync(0);
        var buyer = await PlayerAsync(100);
        var offer = await CreateAsync(seller.Token, "human", 50, 30, []);

        var bought = await _bus.Services.RequestAsync<Contracts.Router.V1.DispatchResponse>(
            ContractRegistry.Router.FindMethodByName("Dispatch"), new Contracts.Router.V1.DispatchRequest { Text = $"buy {offer}" },
            new CallOptions { PlayerId = buyer.Id, Timeout = TimeSpan.FromSeconds(20) });

        Assert.StartsWith($"Bought {offer} (transaction ", bought.Reply, StringComparison.Ordinal);
        Assert.Equal(70, await BalanceAsync(buyer.Token));
        Assert.Equal(30, await BalanceAsync(seller.Token));
    }

    [Fact]
    public async Task Only_the_seller_cancels_and_a_cancelled_offer_cannot_be_bought()
    {
        var seller = await PlayerAsync(0);
        var other = await PlayerAsync(500);
        var offer = await CreateAsync(seller.Token, "human", 70, 90, ["gill-graft"]);

        var (denied, _) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/cancel", "{}", token: other.Token);
        var (cancelled, body) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/cancel", "{}", token: seller.Token);
        var (again, _) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/cancel", "{}", token: seller.Token);
        var (buy, _) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/buy", """{"idempotencyKey":"after-cancel"}""", token: other.Token);
        var (missing, _) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{Guid.NewGuid():N}/cancel", "{}", token: seller.Token);
        var (anonymous, _) = await _api.SendAsync(HttpMethod.Post, $"{Offers}/{offer}/cancel", "{}");

        Assert.Equal(HttpStatusCode.Forbidden, denied);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, "OFFER_STATUS_CANCELLED"), (cancelled, again, body["status"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Conflict, buy);
        Assert.Equal(500, await BalanceAsync(other.Token));
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.Unauthorized), (missing, anonymous));
    }

    [Fact]
    public async Task Offers_are_found_by_combined_filters_newest_first_in_pages_by_anyone()
    {
        var seller = await PlayerAsync(0);
        var buyer = await PlayerAsync(1000);
        var species = "test-" + Guid.NewGuid().ToString("N")[..8];
        var cheapWorn = await CreateAsync(seller.Token, species, 20, 50, []);
        var dearFine = await CreateAsync(seller.Token, species, 95, 900, ["chrome-spine"]);
        var midFine = await CreateAsync(seller.Token, species, 80, 300, []);
        var sold = await CreateAsync(seller.Token, species, 60, 100, []);
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Post, $"{Offers}/{sold}/buy", """{"idempotencyKey":"sell-one"}""", token: buyer.Token)).Status);

        var all = await ListAsync($"?species={species}");
        var fine = await ListAsync($"?species={species}&minCondition=75");
        var affordable = await ListAsync($"?species={species}&minCondition=75&maxPrice=300");
        var (_, first) = await _api.SendAsync(HttpMethod.Get, $"{Offers}?species={species}&pageSize=2");
        var (_, second) = await _api.SendAsync(HttpMethod.Get, $"{Offers}?species={species}&pageSize=2&pageToken={first["nextPageToken"]!.GetValue<string>()}");
        var soldOnes = await ListAsync($"?species={species}&status=OFFER_STATUS_SOLD");
        var (read, offer) = await _api.SendAsync(HttpMethod.Get, $"{Offers}/{dearFine}");

        Assert.Equal([midFine, dearFine, cheapWorn], all);
        Assert.Equal([midFine, dearFine], fine);
        Assert.Equal([midFine], affordable);
        Assert.Equal([midFine, dearFine], Ids(first));
        Assert.Equal([cheapWorn], Ids(second));
        Assert.Equal("", second["nextPageToken"]?.GetValue<string>() ?? "");
        Assert.Equal([sold], soldOnes);
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal((species, 95, "chrome-spine", "GLD"), (offer["body"]!["species"]!.GetValue<string>(), offer["body"]!["condition"]!.GetValue<int>(),
            offer["body"]!["augmentations"]![0]!.GetValue<string>(), offer["currency"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Bad_offers_and_searches_name_the_field_and_a_seller_needs_a_wallet()
    {
        var seller = await PlayerAsync(0);
        var (noWallet, _) = await _api.NewPlayerAsync();
        var offer = await CreateAsync(seller.Token, "synth", 50, 10, []);

        foreach (var (method, path, body, field) in new (HttpMethod, string, string?, string)[]
        {
            (HttpMethod.Post, Offers, """{"body":{"species":"synth","condition":101},"price":"10"}""", "body.condition"),
            (HttpMethod.Post, Offers, """{"body":{"species":"no spaces","condition":5},"price":"10"}""", "body.species"),
            (HttpMethod.Post, Offers, """{"body":{"species":"synth","condition":5},"price":"0"}""", "price"),
            (HttpMethod.Post, Offers, """{"price":"10"}""", "body"),
            (HttpMethod.Post, $"{Offers}/{offer}/buy", "{}", "idempotency_key"),
            (HttpMethod.Get, $"{Offers}/nope", null, "offer_id"),
            (HttpMethod.Get, $"{Offers}?minCondition=150", null, "min_condition"),
            (HttpMethod.Get, $"{Offers}?pageSize=1000", null, "page_size"),
        })
        {
            var (status, problem) = await _api.SendAsync(method, path, body, token: seller.Token);
            Assert.True(status == HttpStatusCode.BadRequest && problem["field"]?.GetValue<string>() == field, $"{path} {body}: {status} {problem.ToJsonString()}");
        }

        var (refused, problemBody) = await _api.SendAsync(HttpMethod.Post, Offers, """{"body":{"species":"synth","condition":5},"price":"10"}""", token: noWallet);
        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains("wallet", problemBody["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Get, $"{Offers}/{Guid.NewGuid():N}")).Status);
    }

    private static async Task<bool> Pause()
    {
        await Task.Delay(200);
        return true;
    }

    private async Task<(string Token, string Id)> PlayerAsync(long funds)
    {
        var (token, id) = await _api.NewPlayerAsync();
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Post, "/api/v1/wallet", """{"currency":"GLD"}""", token: token)).Status);
        if (funds > 0)
        {
            // Credit is internal: money comes from services, as quest rewards and starter grants do.
            await _bus.Services.RequestAsync<TransactionResult>(
                ContractRegistry.Payment.FindMethodByName("Credit"),
                new CreditRequest { PlayerId = id, Amount = funds, IdempotencyKey = "test-funds", Reason = "test funds" },
                new CallOptions { Timeout = TimeSpan.FromSeconds(20) });
        }

        return (token, id);
    }

    private async Task<string> CreateAsync(string token, string species, int condition, long price, string[] augmentations)
    {
        var body = new JsonObject
        {
            ["body"] = new JsonObject { ["species"] = species, ["condition"] = condition, ["augmentations"] = new JsonArray([.. augmentations.Select(a => JsonValue.Create(a))]) },
            ["price"] = price.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var (status, offer) = await _api.SendAsync(HttpMethod.Post, Offers, body.ToJsonString(), token: token);
        Assert.True(status == HttpStatusCode.OK, $"{status} {offer.ToJsonString()}");
        Assert.Equal("OFFER_STATUS_OPEN", offer["status"]!.GetValue<string>());
        return offer["id"]!.GetValue<string>();
    }

    private async Task<List<string>> ListAsync(string query)
    {
        var (status, list) = await _api.SendAsync(HttpMethod.Get, Offers + query);
        Assert.Equal(HttpStatusCode.OK, status);
        return Ids(list);
    }

    private static List<string> Ids(JsonObject list) => [.. (list["offers"]?.AsArray() ?? []).Select(o => o!["id"]!.GetValue<string>())];

    private async Task<long> BalanceAsync(string token)
    {
        var (status, wallet) = await _api.SendAsync(HttpMethod.Get, "/api/v1/wallet", token: token);
        Assert.Equal(HttpStatusCode.OK, status);
        return StateApi.Long(wallet["balance"]);
    }

    private async Task<List<string>> LedgerKindsAsync(string token)
    {
        var (_, ledger) = await _api.SendAsync(HttpMethod.Get, "/api/v1/wallet/transactions?pageSize=50", token: token);
        return [.. ledger["transactions"]!.AsArray().Select(t => t!["kind"]!.GetValue<string>())];
    }

    /// <summary>The offer's trade events through event-bus's replay, in order, once <paramref name="expected"/> have arrived (or the deadline passed).</summary>
    private async Task<List<StoredEvent>> EventsAsync(DateTimeOffset since, string offerId, int expected)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var replay = await _bus.Services.RequestAsync<ReplayResponse>(
                ContractRegistry.EventBus.FindMethodByName("Replay"),
                new ReplayRequest { SubjectFilter = "evt.trade.>", FromTime = Timestamp.FromDateTimeOffset(since), Limit = 1000 });
            var found = replay.Events.Where(e => (e.Subject == "evt.trade.offer_created"
                ? OfferCreated.Parser.ParseFrom(e.Payload).Offer
                : OfferSold.Parser.ParseFrom(e.Payload).Offer).Id == offerId).ToList();
            if (found.Count >= expected || watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                return found;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Stops a process where it stands (SIGSTOP) until disposed (SIGCONT): a service that hangs.</summary>
    private sealed class Frozen : IDisposable
    {
        private readonly int _pid;

        public Frozen(int pid)
        {
            _pid = pid;
            Signal("STOP");
        }

        public void Dispose() => Signal("CONT");

        private void Signal(string signal)
        {
            using var kill = Process.Start("kill", $"-{signal} {_pid}");
            kill.WaitForExit();
            Assert.Equal(0, kill.ExitCode);
        }
    }
}
