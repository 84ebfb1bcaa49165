using System.Net;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.Contracts.Payment.V1;
using GamingSystem.Contracts.Router.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace GamingSystem.IntegrationTests;

/// <summary>Wallets on the booted system: money moves atomically, never below zero, once per idempotency key.</summary>
[Collection(SystemCollection.Name)]
public sealed class PaymentTests(SystemFixture system) : IAsyncLifetime
{
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task Fifty_concurrent_transfers_with_one_key_move_the_money_once_and_all_answer_the_same()
    {
        var (alice, bob) = (await FundedAsync(100), await FundedAsync(0));
        var key = Guid.NewGuid().ToString("N");

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Call<TransactionResult>("Transfer",
            new TransferRequest { ToPlayerId = bob, Amount = 30, IdempotencyKey = key }, alice)));

        Assert.Single(results.Select(r => r.Transaction.Id).Distinct());
        Assert.All(results, r => Assert.Equal(70, r.Balance));
        Assert.Equal(49, results.Count(r => r.Replayed));
        Assert.Equal(70, (await BalanceAsync(alice)).Balance);
        Assert.Equal(30, (await BalanceAsync(bob)).Balance);
        Assert.Equal(TransactionKind.TransferIn, (await LedgerAsync(bob)).Single().Kind);
    }

    [Fact]
    public async Task A_hundred_concurrent_charges_against_ten_units_succeed_exactly_ten_times_and_never_go_below_zero()
    {
        var player = await FundedAsync(10);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            try
            {
                await Call<TransactionResult>("Charge", new ChargeRequest { PlayerId = player, Amount = 1, IdempotencyKey = $"charge-{i}", Reason = "a potion" });
                return ErrorCode.Unspecified;
            }
            catch (ServiceException ex)
            {
                return ex.Code;
            }
        }));

        Assert.Equal(10, outcomes.Count(c => c == ErrorCode.Unspecified));
        Assert.Equal(90, outcomes.Count(c => c == ErrorCode.FailedPrecondition));
        Assert.Equal(0, (await BalanceAsync(player)).Balance);
        var ledger = await LedgerAsync(player);
        Assert.Equal(11, ledger.Count);
        Assert.Equal(0, ledger.Sum(t => t.Kind == TransactionKind.Credit ? t.Amount : -t.Amount));
    }

    [Fact]
    public async Task The_ledger_pages_newest_first_and_sums_to_the_balance()
    {
        var player = await FundedAsync(50);
        for (var i = 0; i < 5; i++)
        {
            await Call<TransactionResult>("Charge", new ChargeRequest { PlayerId = player, Amount = 3, IdempotencyKey = $"c{i}" });
        }

        var first = await Call<ListTransactionsResponse>("ListTransactions", new ListTransactionsRequest { PageSize = 4 }, player);
        var second = await Call<ListTransactionsResponse>("ListTransactions", new ListTransactionsRequest { PageSize = 4, PageToken = first.NextPageToken }, player);

        Assert.Equal(4, first.Transactions.Count);
        Assert.Equal(2, second.Transactions.Count);
        Assert.Equal("", second.NextPageToken);
        var all = first.Transactions.Concat(second.Transactions).ToList();
        Assert.Equal(TransactionKind.Credit, all[^1].Kind);
        Assert.Equal(35, all[0].BalanceAfter);
        Assert.Equal((await BalanceAsync(player)).Balance, all.Sum(t => t.Kind == TransactionKind.Credit ? t.Amount : -t.Amount));
    }

    [Fact]
    public async Task Paging_is_stable_while_money_moves_between_pages()
    {
        var player = await FundedAsync(50);
        for (var i = 0; i < 4; i++)
        {
            await Call<TransactionResult>("Charge", new ChargeRequest { PlayerId = player, Amount = 1, IdempotencyKey = $"c{i}" });
        }

        var first = await Call<ListTransactionsResponse>("ListTransactions", new ListTransactionsRequest { PageSize = 2 }, player);
        var late = await Call<TransactionResult>("Charge", new ChargeRequest { PlayerId = player, Amount = 7, IdempotencyKey = "late" });
        var rest = new List<Transaction>();
        for (var token = first.NextPageToken; token.Length > 0;)
        {
            var page = await Call<ListTransactionsResponse>("ListTransactions", new ListTransactionsRequest { PageSize = 2, PageToken = token }, player);
            rest.AddRange(page.Transactions);
            token = page.NextPageToken;
        }

        var newest = await Call<ListTransactionsResponse>("ListTransactions", new ListTransactionsRequest { PageSize = 2 }, player);

        var seen = first.Transactions.Concat(rest).ToList();
        Assert.Equal(5, seen.Count);
        Assert.Equal(seen.Count, seen.Select(t => t.Id).Distinct().Count());
        Assert.DoesNotContain(late.Transaction.Id, seen.Select(t => t.Id));
        Assert.Equal(TransactionKind.Credit, seen[^1].Kind);
        Assert.Equal(late.Transaction.Id, newest.Transactions[0].Id);
        var bogus = await Assert.ThrowsAsync<ServiceException>(() =>
            Call<ListTransactionsResponse>("ListTransactions", new ListTransactionsRequest { PageToken = "999" }, player));
        Assert.Equal(("page_token", ErrorCode.InvalidArgument), (bogus.Error.Field, bogus.Code));
    }

    [Fact]
    public async Task A_player_cannot_read_or_move_another_players_money()
    {
        var (alice, bob) = (await FundedAsync(10), await FundedAsync(40));

        // A service calling on behalf of alice (her signed id travels with the call) may move only her money.
        var charge = await Assert.ThrowsAsync<ServiceException>(() =>
            Call<TransactionResult>("Charge", new ChargeRequest { PlayerId = bob, Amount = 5, IdempotencyKey = "steal" }, alice));
        var credit = await Assert.ThrowsAsync<ServiceException>(() =>
            Call<TransactionResult>("Credit", new CreditRequest { PlayerId = bob, Amount = 5, IdempotencyKey = "gift" }, alice));
        var own = await Call<TransactionResult>("Charge", new ChargeRequest { PlayerId = alice, Amount = 1, IdempotencyKey = "own" }, alice);
        // Player-facing methods have no player field: they read and pay from the caller's wallet only.
        var mine = await BalanceAsync(alice);
        var myLedger = await LedgerAsync(alice);
        var paid = await Call<TransactionResult>("Transfer", new TransferRequest { ToPlayerId = bob, Amount = 2, IdempotencyKey = "pay" }, alice);

        Assert.Equal((ErrorCode.PermissionDenied, ErrorCode.PermissionDenied), (charge.Code, credit.Code));
        Assert.Equal(9, own.Balance);
        Assert.Equal((alice, 9L), (mine.PlayerId, mine.Balance));
        Assert.All(myLedger, t => Assert.Equal(alice, t.PlayerId));
        Assert.Equal((alice, 7L), (paid.Transaction.PlayerId, paid.Balance));
        Assert.Equal(42, (await BalanceAsync(bob)).Balance);
        Assert.Equal(42, (await LedgerAsync(bob)).Sum(t => t.Kind is TransactionKind.Credit or TransactionKind.TransferIn ? t.Amount : -t.Amount));
    }

    [Fact]
    public async Task The_idempotency_key_may_come_from_the_call_header()
    {
        var (alice, bob) = (await FundedAsync(10), await FundedAsync(0));
        var key = "hdr-" + Guid.NewGuid().ToString("N");
        var options = new CallOptions { PlayerId = alice, IdempotencyKey = key, Timeout = TimeSpan.FromSeconds(20) };

        var first = await _bus.Services.RequestAsync<TransactionResult>(ContractRegistry.Payment.FindMethodByName("Transfer"), new TransferRequest { ToPlayerId = bob, Amount = 3 }, options);
        var again = await _bus.Services.RequestAsync<TransactionResult>(ContractRegistry.Payment.FindMethodByName("Transfer"), new TransferRequest { ToPlayerId = bob, Amount = 3 }, options);

        Assert.Equal((key, false), (first.Transaction.IdempotencyKey, first.Replayed));
        Assert.Equal((first.Transaction.Id, true), (again.Transaction.Id, again.Replayed));
        Assert.Equal(7, (await BalanceAsync(alice)).Balance);
    }

    [Fact]
    public async Task A_transfer_publishes_its_event_after_the_money_moved()
    {
        var (alice, bob) = (await FundedAsync(20), await FundedAsync(0));
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var transfer = await Call<TransactionResult>("Transfer", new TransferRequest { ToPlayerId = bob, Amount = 5, IdempotencyKey = "t1" }, alice);
        await Call<TransactionResult>("Transfer", new TransferRequest { ToPlayerId = bob, Amount = 5, IdempotencyKey = "t1" }, alice);
        var charge = await Call<TransactionResult>("Charge", new ChargeRequest { PlayerId = alice, Amount = 2, IdempotencyKey = "c1", Reason = "a map" });

        var js = _bus.Get<INatsJSContext>();
        var stream = await js.GetStreamAsync(EventContracts.StreamFor("evt.payment.transferred").Name);
        var last = await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = "evt.payment.transferred" });
        var published = PaymentTransferred.Parser.ParseFrom(last.Message.Data.ToArray());
        var credited = await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = "evt.payment.credited" });

        Assert.Equal(transfer.Transaction.Id, published.TransferId);
        Assert.Equal((alice, bob, 5L), (published.FromPlayerId, published.ToPlayerId, published.Amount));
        Assert.Equal(alice, PaymentCredited.Parser.ParseFrom(credited.Message.Data.ToArray()).Transaction.PlayerId);

        // Through the event-bus: the replayed transfer published again under the same id and was stored once.
        var replay = await _bus.Services.RequestAsync<ReplayResponse>(
            ContractRegistry.EventBus.FindMethodByName("Replay"),
            new ReplayRequest { SubjectFilter = "evt.payment.>", FromTime = Timestamp.FromDateTimeOffset(since), Limit = 1000 });
        var transfers = replay.Events.Where(e => e.Subject == "evt.payment.transferred")
            .Select(e => PaymentTransferred.Parser.ParseFrom(e.Payload)).Where(e => e.TransferId == transfer.Transaction.Id).ToList();
        var charged = replay.Events.Where(e => e.Subject == "evt.payment.charged")
            .Select(e => PaymentCharged.Parser.ParseFrom(e.Payload).Transaction).Single(t => t.Id == charge.Transaction.Id);
        Assert.Single(transfers);
        Assert.Equal((alice, 2L, 13L, "a map"), (charged.PlayerId, charged.Amount, charged.BalanceAfter, charged.Reason));
    }

    [Fact]
    public async Task Bad_requests_are_refused_naming_the_field_and_move_nothing()
    {
        var (alice, bob) = (await FundedAsync(10), await FundedAsync(0));
        var cases = new (Func<Task> Call, string Field)[]
        {
            (() => Call<TransactionResult>("Transfer", new TransferRequest { ToPlayerId = bob, Amount = 0, IdempotencyKey = "k" }, alice), "amount"),
            (() => Call<TransactionResult>("Transfer", new TransferRequest { ToPlayerId = bob, Amount = 1 }, alice), "idempotency_key"),
            (() => Call<TransactionResult>("Transfer", new TransferRequest { ToPlayerId = alice, Amount = 1, IdempotencyKey = "k" }, alice), "to_player_id"),
            (() => Call<TransactionResult>("Credit", new CreditRequest { PlayerId = "not a player", Amount = 1, IdempotencyKey = "k" }), "player_id"),
            (() => Call<Wallet>("OpenWallet", new OpenWalletRequest { Currency = "gold" }, alice), "currency"),
            (() => Call<ListTransactionsResponse>("ListTransactions", new ListTransactionsRequest { PageSize = 500 }, alice), "page_size"),
        };

        foreach (var (call, field) in cases)
        {
            var refused = await Assert.ThrowsAsync<ServiceException>(call);
            Assert.True(refused.Code == ErrorCode.InvalidArgument && refused.Error.Field == field, $"{field}: {refused.Code} {refused.Message}");
        }

        await Call<TransactionResult>("Transfer", new TransferRequest { ToPlayerId = bob, Amount = 4, IdempotencyKey = "same" }, alice);
        var reused = await Assert.ThrowsAsync<ServiceException>(() =>
            Call<TransactionResult>("Transfer", new TransferRequest { ToPlayerId = bob, Amount = 5, IdempotencyKey = "same" }, alice));
        var nobody = await Assert.ThrowsAsync<ServiceException>(() =>
            Call<TransactionResult>("Transfer", new TransferRequest { ToPlayerId = "no-wallet-" + Guid.NewGuid().ToString("N")[..8], Amount = 1, IdempotencyKey = "x" }, alice));
        var otherCurrency = await Assert.ThrowsAsync<ServiceException>(() => Call<Wallet>("OpenWallet", new OpenWalletRequest { Currency = "SLV" }, alice));
        var silver = "p-" + Guid.NewGuid().ToString("N")[..12];
        await Call<Wallet>("OpenWallet", new OpenWalletRequest { Currency = "SLV" }, silver);
        var crossCurrency = await Assert.ThrowsAsync<ServiceException>(() =>
            Call<TransactionResult>("Transfer", new TransferRequest { ToPlayerId = silver, Amount = 1, IdempotencyKey = "y" }, alice));

        Assert.Equal(("idempotency_key", ErrorCode.InvalidArgument), (reused.Error.Field, reused.Code));
        Assert.Equal(ErrorCode.NotFound, nobody.Code);
        Assert.Equal(("currency", ErrorCode.InvalidArgument), (otherCurrency.Error.Field, otherCurrency.Code));
        Assert.Equal(("to_player_id", ErrorCode.InvalidArgument), (crossCurrency.Error.Field, crossCurrency.Code));
        Assert.Equal(6, (await BalanceAsync(alice)).Balance);
    }

    [Fact]
    public async Task Through_the_gateway_a_player_opens_reads_and_pays_from_their_own_wallet_only()
    {
        var api = new StateApi(system.Gateway);
        var (token, me) = await api.NewPlayerAsync();
        var bob = await FundedAsync(0);

        var (missing, _) = await api.SendAsync(HttpMethod.Get, "/api/v1/wallet", token: token);
        var (opened, wallet) = await api.SendAsync(HttpMethod.Post, "/api/v1/wallet", """{"currency":"GLD"}""", token: token);
        await Call<TransactionResult>("Credit", new CreditRequest { PlayerId = me, Amount = 25, IdempotencyKey = "grant", Reason = "starter" });
        var (paid, payment) = await api.SendAsync(HttpMethod.Post, "/api/v1/wallet/transfers", $$"""{"toPlayerId":"{{bob}}","amount":"10","idempotencyKey":"gw-1"}""", token: token);
        var (read, balance) = await api.SendAsync(HttpMethod.Get, "/api/v1/wallet", token: token);
        var (listed, ledger) = await api.SendAsync(HttpMethod.Get, "/api/v1/wallet/transactions?pageSize=10", token: token);
        var (anonymous, _) = await api.SendAsync(HttpMethod.Get, "/api/v1/wallet");
        var (broke, problem) = await api.SendAsync(HttpMethod.Post, "/api/v1/wallet/transfers", $$"""{"toPlayerId":"{{bob}}","amount":"1000","idempotencyKey":"gw-2"}""", token: token);
        var command = await _bus.Services.RequestAsync<DispatchResponse>(
            ContractRegistry.Router.FindMethodByName("Dispatch"), new DispatchRequest { Text = "wallet" }, new CallOptions { PlayerId = me });

        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal((HttpStatusCode.OK, me), (opened, wallet["playerId"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, paid);
        Assert.Equal("15", payment["balance"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.OK, "15", "GLD"), (read, balance["balance"]!.GetValue<string>(), balance["currency"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.OK, 2), (listed, ledger["transactions"]!.AsArray().Count));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal(HttpStatusCode.Conflict, broke);
        Assert.Contains("insufficient funds", problem["detail"]!.GetValue<string>());
        Assert.Equal("Your balance is 15 GLD.", command.Reply);
    }

    [Fact]
    public async Task The_gateway_cannot_credit_or_charge_and_a_player_id_is_needed()
    {
        var anonymous = await Assert.ThrowsAsync<ServiceException>(() => Call<Wallet>("GetBalance", new GetBalanceRequest(), player: null));

        Assert.Equal(ErrorCode.Unauthenticated, anonymous.Code);
        Assert.False(ContractRegistry.HasHttpRoute(ContractRegistry.Payment.FindMethodByName("Credit")));
        Assert.False(ContractRegistry.HasHttpRoute(ContractRegistry.Payment.FindMethodByName("Charge")));
    }

    private async Task<string> FundedAsync(long amount)
    {
        var player = "p-" + Guid.NewGuid().ToString("N")[..12];
        await Call<Wallet>("OpenWallet", new OpenWalletRequest { Currency = "GLD" }, player);
        if (amount > 0)
        {
            await Call<TransactionResult>("Credit", new CreditRequest { PlayerId = player, Amount = amount, IdempotencyKey = "fund", Reason = "test funds" });
        }

        return player;
    }

    private Task<Wallet> BalanceAsync(string player) => Call<Wallet>("GetBalance", new GetBalanceRequest(), player);

    private async Task<List<Transaction>> LedgerAsync(string player) =>
        [.. (await Call<ListTransactionsResponse>("ListTransactions", new ListTransactionsRequest { PageSize = 100 }, player)).Transactions];

    private Task<T> Call<T>(string method, Google.Protobuf.IMessage request, string? player = null)
        where T : Google.Protobuf.IMessage =>
        _bus.Services.RequestAsync<T>(ContractRegistry.Payment.FindMethodByName(method), request, new CallOptions { PlayerId = player, Timeout = TimeSpan.FromSeconds(20) });
}
