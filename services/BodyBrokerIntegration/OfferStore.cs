using GamingSystem.BodyBrokerIntegration.Domain;
using GamingSystem.Contracts.BodyBrokerIntegration.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using StackExchange.Redis;

namespace GamingSystem.BodyBrokerIntegration;

/// <summary>What reserving an offer for a buyer found.</summary>
public sealed record Reservation(string Outcome, string TransactionId = "");

/// <summary>
/// Offers in Redis: one hash each (the offer as created in <c>data</c>; its seller, status, holder, buyer and sale
/// beside it), an index of every offer and one of those still for sale, both ordered by id (time-ordered ids), and
/// a record per buyer and idempotency key. A sale goes open -> reserved (for one buyer, by a Lua compare-and-set)
/// -> sold or back to open: only the holder of the reservation pays, so an offer is paid for at most once.
/// </summary>
public sealed class OfferStore(IConnectionMultiplexer redis, TimeProvider time)
{
    private const string Prefix = "{body-broker-integration}";
    private static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);
    private static readonly RedisKey AllKey = $"{Prefix}:offers";
    private static readonly RedisKey OpenKey = $"{Prefix}:open";

    // KEYS: offer, all, open. ARGV: id, data, seller.
    private const string CreateScript = """
        redis.call('HSET', KEYS[1], 'data', ARGV[2], 'seller', ARGV[3], 'status', 'open')
        redis.call('ZADD', KEYS[2], 0, ARGV[1])
        redis.call('ZADD', KEYS[3], 0, ARGV[1])
        return 'ok'
        """;

    // KEYS: offer, purchase record. ARGV: buyer, offer id, now (ms), record ttl (s).
    // The compare-and-set that decides who may pay: an open offer becomes reserved for this buyer, or is the buyer's
    // own reservation (a retry after a crash resumes it); anything else is refused without touching money.
    private const string ReserveScript = """
        local seller = redis.call('HGET', KEYS[1], 'seller')
        if not seller then return {'not_found'} end
        local record = redis.call('GET', KEYS[2])
        if record and record ~= ARGV[2] then return {'key_conflict'} end
        local status = redis.call('HGET', KEYS[1], 'status')
        if status == 'sold' then
          if record and redis.call('HGET', KEYS[1], 'buyer') == ARGV[1] then return {'bought', redis.call('HGET', KEYS[1], 'tx')} end
          return {'sold'}
        end
        if status == 'cancelled' then return {'cancelled'} end
        if seller == ARGV[1] then return {'own'} end
        if status == 'reserved' and redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return {'reserved'} end
        redis.call('HSET', KEYS[1], 'status', 'reserved', 'holder', ARGV[1], 'held_at', ARGV[3])
        redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[4])
        return {'reserved_for_you'}
        """;

    // KEYS: offer, open. ARGV: buyer, transaction id, now (ms), offer id. The holder's paid reservation becomes the sale.
    private const string SellScript = """
        local status = redis.call('HGET', KEYS[1], 'status')
        if status == 'sold' then
          if redis.call('HGET', KEYS[1], 'buyer') == ARGV[1] then return 'ok' end
          return 'lost'
        end
        if status ~= 'reserved' or redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return 'lost' end
        redis.call('HSET', KEYS[1], 'status', 'sold', 'buyer', ARGV[1], 'tx', ARGV[2], 'sold_at', ARGV[3])
        redis.call('HDEL', KEYS[1], 'holder', 'held_at')
        redis.call('ZREM', KEYS[2], ARGV[4])
        return 'ok'
        """;

    // KEYS: offer. ARGV: buyer. The holder's reservation is given up: no money moved.
    private const string ReleaseScript = """
        if redis.call('HGET', KEYS[1], 'status') == 'reserved' and redis.call('HGET', KEYS[1], 'holder') == ARGV[1] then
          redis.call('HSET', KEYS[1], 'status', 'open')
          redis.call('HDEL', KEYS[1], 'holder', 'held_at')
          return 1
        end
        return 0
        """;

    // KEYS: offer, open. ARGV: caller, offer id, now (ms).
    private const string CancelScript = """
        local seller = redis.call('HGET', KEYS[1], 'seller')
        if not seller then return 'not_found' end
        if seller ~= ARGV[1] then return 'denied' end
        local status = redis.call('HGET', KEYS[1], 'status')
        if status == 'cancelled' then return 'ok' end
        if status ~= 'open' then return status end
        redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancelled_at', ARGV[3])
        redis.call('ZREM', KEYS[2], ARGV[2])
        return 'ok'
        """;

    public async Task CreateAsync(Offer offer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        await redis.GetDatabase().ScriptEvaluateAsync(CreateScript, [OfferKey(offer.Id), AllKey, OpenKey], [offer.Id, offer.ToByteArray(), offer.SellerPlayerId])
            .ConfigureAwait(false);
    }

    public async Task<Offer?> FindAsync(string id) => ToOffer(await redis.GetDatabase().HashGetAllAsync(OfferKey(id)).ConfigureAwait(false));

    public async Task<Reservation> ReserveAsync(string offerId, string buyer, string idempotencyKey)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            ReserveScript, [OfferKey(offerId), PurchaseKey(buyer, idempotencyKey)],
            [buyer, offerId, time.GetUtcNow().ToUnixTimeMilliseconds(), (long)IdempotencyWindow.TotalSeconds]).ConfigureAwait(false))!;
        return new Reservation((string)result[0]!, result.Length > 1 ? (string)result[1]! : "");
    }

    /// <summary>Whether the buyer's reservation became the sale ('ok') or was not theirs ('lost').</summary>
    public async Task<string> SellAsync(string offerId, string buyer, string transactionId) =>
        (string)(await redis.GetDatabase().ScriptEvaluateAsync(
            SellScript, [OfferKey(offerId), OpenKey],
            [buyer, transactionId, time.GetUtcNow().ToUnixTimeMilliseconds(), offerId]).ConfigureAwait(false))!;

    public async Task<bool> ReleaseAsync(string offerId, string buyer) =>
        (long)(await redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [OfferKey(offerId)], [buyer]).ConfigureAwait(false)) == 1;

    public async Task<string> CancelAsync(string offerId, string caller) =>
        (string)(await redis.GetDatabase().ScriptEvaluateAsync(
            CancelScript, [OfferKey(offerId), OpenKey], [caller, offerId, time.GetUtcNow().ToUnixTimeMilliseconds()]).ConfigureAwait(false))!;

    /// <summary>
    /// Offers matching a checked search, newest first, after the offer <see cref="ListOffersRequest.PageToken"/> names.
    /// Open offers are read from their own index; sold and cancelled ones from the index of all.
    /// </summary>
    public async Task<(List<Offer> Page, string? Next)> ListAsync(ListOffersRequest search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var db = redis.GetDatabase();
        var index = search.Status == OfferStatus.Open ? OpenKey : AllKey;
        var start = search.PageToken.Length == 0 ? "+" : "(" + search.PageToken;
        var page = new List<Offer>();
        while (page.Count <= search.PageSize)
        {
            var ids = (RedisValue[])(await db.ExecuteAsync("ZREVRANGEBYLEX", index, start, "-", "LIMIT", 0, 100).ConfigureAwait(false))!;
            if (ids.Length == 0)
            {
                break;
            }

            var offers = await Task.WhenAll(ids.Select(id => FindAsync((string)id!))).ConfigureAwait(false);
            page.AddRange(offers.OfType<Offer>().Where(o => OfferRules.Matches(search, o)));
            start = "(" + (string)ids[^1]!;
        }

        return page.Count > search.PageSize ? (page[..search.PageSize], page[search.PageSize - 1].Id) : (page, null);
    }

    private static Offer? ToOffer(HashEntry[] fields)
    {
        if (fields.Length == 0)
        {
            return null;
        }

        var values = fields.ToDictionary(f => (string)f.Name!, f => f.Value, StringComparer.Ordinal);
        var offer = Offer.Parser.ParseFrom((byte[])values["data"]!);
        offer.Status = (string)values["status"]! switch
        {
            // A reservation is a sale in progress: to everyone else the offer is still open until it is paid for.
            "open" or "reserved" => OfferStatus.Open,
            "sold" => OfferStatus.Sold,
            _ => OfferStatus.Cancelled,
        };
        if (offer.Status == OfferStatus.Sold)
        {
            offer.BuyerPlayerId = (string)values["buyer"]!;
            offer.SoldAt = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds((long)values["sold_at"]));
        }

        return offer;
    }

    private static RedisKey OfferKey(string id) => $"{Prefix}:offer:{id}";

    private static RedisKey PurchaseKey(string buyer, string key) => $"{Prefix}:purchase:{buyer}:{key}";
}
