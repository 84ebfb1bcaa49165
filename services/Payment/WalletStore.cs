using System.Globalization;
using System.Text.Json;
using GamingSystem.Contracts.Payment.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;
using StackExchange.Redis;

namespace GamingSystem.Payment;

/// <summary>What a movement of money did: the caller's side, the balance after it, and whether it was a repeat.</summary>
public sealed record Movement(TransactionResult Result, Transaction? Counterpart);

/// <summary>
/// Wallets in Redis, one hash each, with a ledger list per wallet (newest first) and an idempotency record per key.
/// Every movement is one Lua script: the idempotency check, the balance check, the balances, the ledger entries and
/// the record of the result change together or not at all. All keys share the <c>{payment}</c> hash tag.
/// </summary>
public sealed class WalletStore(IConnectionMultiplexer redis, TimeProvider time)
{
    private const string Prefix = "{payment}";
    private static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);

    // KEYS: wallet. ARGV: currency, now (ms). Returns the wallet's currency, balance and opening time.
    private const string OpenScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          redis.call('HSET', KEYS[1], 'currency', ARGV[1], 'balance', 0, 'opened_at', ARGV[2])
        end
        return redis.call('HMGET', KEYS[1], 'currency', 'balance', 'opened_at')
        """;

    // KEYS: from wallet, to wallet, from ledger, to ledger, idempotency record.
    // ARGV: op, amount, fingerprint, transaction id, now (ms), reason, key, from player, to player, record ttl (s).
    private const string MoveScript = """
        local fp = redis.call('HGET', KEYS[5], 'fp')
        if fp then
          if fp ~= ARGV[3] then return {'conflict'} end
          return {'replay', redis.call('HGET', KEYS[5], 'result')}
        end
        local op, amount = ARGV[1], tonumber(ARGV[2])
        local function entry(player, kind, balance, currency, counterparty)
          return cjson.encode({id = ARGV[4], player = player, kind = kind, amount = ARGV[2], balance = tostring(balance),
            currency = currency, counterparty = counterparty, reason = ARGV[6], key = ARGV[7], at = ARGV[5]})
        end
        local from_currency, to_currency
        if op ~= 'credit' then
          from_currency = redis.call('HGET', KEYS[1], 'currency')
          if not from_currency then return {'no_wallet', ARGV[8]} end
          local balance = tonumber(redis.call('HGET', KEYS[1], 'balance'))
          if balance < amount then return {'insufficient', tostring(balance)} end
        end
        if op ~= 'charge' then
          to_currency = redis.call('HGET', KEYS[2], 'currency')
          if not to_currency then return {'no_wallet', ARGV[9]} end
        end
        if op == 'transfer' and from_currency ~= to_currency then return {'currency', from_currency, to_currency} end
        local mine, theirs = nil, ''
        if op == 'credit' then
          mine = entry(ARGV[9], 'credit', redis.call('HINCRBY', KEYS[2], 'balance', amount), to_currency, '')
          redis.call('LPUSH', KEYS[4], mine)
        elseif op == 'charge' then
          mine = entry(ARGV[8], 'charge', redis.call('HINCRBY', KEYS[1], 'balance', -amount), from_currency, '')
          redis.call('LPUSH', KEYS[3], mine)
        else
          mine = entry(ARGV[8], 'transfer_out', redis.call('HINCRBY', KEYS[1], 'balance', -amount), from_currency, ARGV[9])
          theirs = entry(ARGV[9], 'transfer_in', redis.call('HINCRBY', KEYS[2], 'balance', amount), to_currency, ARGV[8])
          redis.call('LPUSH', KEYS[3], mine)
          redis.call('LPUSH', KEYS[4], theirs)
        end
        redis.call('HSET', KEYS[5], 'fp', ARGV[3], 'result', mine)
        redis.call('EXPIRE', KEYS[5], ARGV[10])
        return {'ok', mine, theirs}
        """;

    // KEYS: ledger. ARGV: remaining (entries older than the previous page; -1 for the first page), size.
    // Returns the ledger's length then the page. Entries are only ever LPUSHed, so an entry's distance from the
    // tail never changes: a token counted from the tail stays valid while new movements arrive.
    private const string PageScript = """
        local n = redis.call('LLEN', KEYS[1])
        local remaining = tonumber(ARGV[1])
        if remaining < 0 then remaining = n end
        if remaining > n then return {n} end
        local page = {n}
        if remaining > 0 then
          local start = n - remaining
          local stop = math.min(start + tonumber(ARGV[2]), n) - 1
          for _, entry in ipairs(redis.call('LRANGE', KEYS[1], start, stop)) do table.insert(page, entry) end
        end
        return page
        """;

    public async Task<Wallet> OpenAsync(string playerId, string currency)
    {
        var values = (RedisValue[])(await redis.GetDatabase().ScriptEvaluateAsync(
            OpenScript, [WalletKey(playerId)], [currency, time.GetUtcNow().ToUnixTimeMilliseconds()]).ConfigureAwait(false))!;
        var wallet = ToWallet(playerId, values);
        return wallet.Currency == currency
            ? wallet
            : throw ServiceException.InvalidArgument("currency", $"your wallet is open already, in {wallet.Currency}; a wallet has one currency for life");
    }

    public async Task<Wallet?> FindAsync(string playerId)
    {
        var values = await redis.GetDatabase().HashGetAsync(WalletKey(playerId), ["currency", "balance", "opened_at"]).ConfigureAwait(false);
        return values[0].IsNull ? null : ToWallet(playerId, values);
    }

    /// <summary>Credit (to only), charge (from only) or transfer, atomically and at most once per idempotency key.</summary>
    public async Task<Movement> MoveAsync(string op, string? from, string? to, long amount, string reason, string key)
    {
        // The record belongs to whoever's money moves first: the payer, or the payee of a credit.
        var owner = from ?? to!;
        var fingerprint = $"{op}|{from}|{to}|{amount}|{reason}";
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            MoveScript,
            [WalletKey(from ?? owner), WalletKey(to ?? owner), LedgerKey(from ?? owner), LedgerKey(to ?? owner), $"{Prefix}:idempotency:{owner}:{key}"],
            [op, amount, fingerprint, Guid.NewGuid().ToString("N"), time.GetUtcNow().ToUnixTimeMilliseconds(), reason, key, from ?? "", to ?? "", (long)IdempotencyWindow.TotalSeconds])
            .ConfigureAwait(false))!;
        var outcome = (string)result[0]!;
        return outcome switch
        {
            "ok" => new Movement(Result(Entry((string)result[1]!), replayed: false), (string?)result[2] is { Length: > 0 } theirs ? Entry(theirs) : null),
            "replay" => new Movement(Result(Entry((string)result[1]!), replayed: true), null),
            "conflict" => throw ServiceException.InvalidArgument("idempotency_key", $"'{key}' was used within 24 h for a different request; use a new key for a new payment"),
            "no_wallet" => throw ServiceException.NotFound($"{(string)result[1]!} has no wallet: open it first (POST /api/v1/wallet)"),
            "insufficient" => throw ServiceException.FailedPrecondition($"insufficient funds: the balance is {(string)result[1]!}, the amount {amount}",
                new Dictionary<string, string> { ["balance"] = (string)result[1]! }),
            "currency" => throw ServiceException.InvalidArgument("to_player_id", $"holds {(string)result[2]!}, your wallet {(string)result[1]!}: a transfer stays in one currency"),
            _ => throw new InvalidOperationException($"unexpected script outcome '{outcome}'"),
        };
    }

    /// <summary>
    /// A page of the ledger, newest first. <paramref name="remaining"/> is how many entries, counted from the oldest, are
    /// still to read (null: the newest page); the next token is that count after this page, null on the last.
    /// </summary>
    public async Task<(IReadOnlyList<Transaction> Page, long? Next)> ListAsync(string playerId, long? remaining, int size)
    {
        var values = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            PageScript, [LedgerKey(playerId)], [remaining ?? -1, size]).ConfigureAwait(false))!;
        var length = (long)values[0];
        if (remaining > length)
        {
            throw ServiceException.InvalidArgument("page_token", "is not a token this service gave for your ledger");
        }

        var page = values.Skip(1).Select(v => Entry((string)v!)).ToList();
        var left = (remaining ?? length) - page.Count;
        return (page, left > 0 ? left : null);
    }

    private static TransactionResult Result(Transaction transaction, bool replayed) =>
        new() { Transaction = transaction, Balance = transaction.BalanceAfter, Replayed = replayed };

    private static Transaction Entry(string json)
    {
        using var document = JsonDocument.Parse(json);
        var e = document.RootElement;
        string Text(string name) => e.GetProperty(name).GetString() ?? "";
        long Number(string name) => long.Parse(Text(name), CultureInfo.InvariantCulture);
        return new Transaction
        {
            Id = Text("id"),
            PlayerId = Text("player"),
            Kind = Text("kind") switch
            {
                "credit" => TransactionKind.Credit,
                "charge" => TransactionKind.Charge,
                "transfer_in" => TransactionKind.TransferIn,
                _ => TransactionKind.TransferOut,
            },
            Amount = Number("amount"),
            BalanceAfter = Number("balance"),
            Currency = Text("currency"),
            CounterpartyPlayerId = Text("counterparty"),
            Reason = Text("reason"),
            IdempotencyKey = Text("key"),
            CreatedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(Number("at"))),
        };
    }

    private static Wallet ToWallet(string playerId, RedisValue[] values) => new()
    {
        PlayerId = playerId,
        Currency = (string)values[0]!,
        Balance = (long)values[1],
        OpenedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds((long)values[2])),
    };

    private static RedisKey WalletKey(string playerId) => $"{Prefix}:wallet:{playerId}";

    private static RedisKey LedgerKey(string playerId) => $"{Prefix}:ledger:{playerId}";
}
