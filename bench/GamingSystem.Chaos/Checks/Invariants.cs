using System.Text;
using GamingSystem.Chaos.Load;

namespace GamingSystem.Chaos.Checks;

/// <summary>
/// What must hold once the faults are over, read back through the gateway: no acknowledged write lost, the ledger
/// balanced, every idempotent call answered, every workflow ended well, every event delivered exactly once.
/// </summary>
internal sealed class Invariants(LoadRun load)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private GatewayClient Gateway => load.Gateway;

    private Acknowledged Acked => load.Acknowledged;

    /// <summary>Call after the load stopped: retries what was left unanswered, then checks each invariant.</summary>
    public async Task<IReadOnlyList<Check>> VerifyAsync(CancellationToken cancellationToken)
    {
        Func<CancellationToken, Task<Check>>[] checks = [IdempotentCallsAsync, StateWritesAsync, LedgerAsync, WorkflowsAsync, EventsAsync];
        var results = new List<Check>();
        foreach (var check in checks)
        {
            // In this order: the unanswered calls are answered first, so the ledger and the feeds can account for them.
            results.Add(await check(cancellationToken));
            Console.WriteLine($"  {(results[^1].Passed ? "PASS" : "FAIL")} {results[^1].Name}: {results[^1].Counts}");
        }

        return results;
    }

    /// <summary>Each call the load left unanswered is repeated with the same key until answered.</summary>
    private async Task<Check> IdempotentCallsAsync(CancellationToken cancellationToken)
    {
        var never = new List<string>();
        var calls = Acked.Pending.ToList();
        var replies = await Task.WhenAll(calls.Select(call =>
            Gateway.UntilAnsweredAsync($"{call.Operation} (final retry)", call.Method, call.Path, call.Json, call.Player.Token, Patience, cancellationToken)));
        foreach (var (call, (reply, _)) in calls.Zip(replies))
        {
            if (reply.Ok)
            {
                call.OnAnswer(reply);
            }
            else
            {
                never.Add($"{call.Operation} {call.Path} {call.Json}: {reply.Status} {reply.Body.ToJsonString()}");
            }
        }

        var firstTry = Acked.Attempts.Count(a => a == 1);
        var retried = Acked.Attempts.Count - firstTry;
        return new Check(
            "Idempotent calls all eventually succeed (transfers, quest steps, same key)",
            never.Count == 0 && Acked.Attempts.Count > 0,
            $"{Acked.Attempts.Count} answered: {firstTry} at once, {retried} after retries (most {Acked.Attempts.DefaultIfEmpty(0).Max()} attempts); " +
            $"{Acked.Pending.Count - never.Count} more only at the end; {never.Count} never; {Acked.Refused.Count} refused (4xx, nothing moved)",
            never);
    }

    /// <summary>Each worker's key holds its last acknowledged version (or a later write left unanswered), and no read went back in time.</summary>
    private async Task<Check> StateWritesAsync(CancellationToken cancellationToken)
    {
        var violations = new List<string>();
        var keys = Acked.StateKeys.Values.Where(k => k.Last is not null).ToList();
        var finals = await Task.WhenAll(keys.Select(key => Gateway.UntilAnsweredAsync(
            "state read (final)", HttpMethod.Get, "/api/v1/state/" + string.Join('/', key.Key.Split('/').Select(Uri.EscapeDataString)), null, load.Players[0].Token, Patience, cancellationToken)));
        var acknowledged = 0;
        foreach (var (key, (reply, _)) in keys.Zip(finals))
        {
            acknowledged += key.AcknowledgedCount;
            var last = key.Last!.Value;
            var version = reply.Ok ? Reply.Long(reply.Body["version"]) : -1;
            var value = reply.Ok ? Encoding.UTF8.GetString(Convert.FromBase64String(reply.Text("value"))) : "";
            var holds = (version == last.Version && value == last.Value) || (version > last.Version && key.UnansweredSinceLast.Contains(value));
            if (!holds)
            {
                violations.Add($"{key.Key}: acknowledged version {last.Version} \"{last.Value}\", found {reply.Status} version {version} \"{value}\"");
            }

            if (!key.Monotonic)
            {
                violations.Add($"{key.Key}: acknowledged versions did not always grow");
            }
        }

        violations.AddRange(Acked.LostProgress);
        violations.AddRange(Acked.StaleReads);
        return new Check(
            "No acknowledged write lost (state CAS versions, quest progress)",
            violations.Count == 0 && acknowledged > 0,
            $"{acknowledged} CAS writes acknowledged on {Acked.StateKeys.Count(k => k.Value.Last is not null)} keys; {Acked.StaleReads.Count} stale reads; {Acked.LostProgress.Count} quest steps lost",
            violations);
    }

    /// <summary>
    /// Each worker's balance is its starting balance plus the rewards and transfers acknowledged to it, minus those it
    /// paid; its ledger sums to its balance and holds each acknowledged transaction exactly once, and nothing else.
    /// </summary>
    private async Task<Check> LedgerAsync(CancellationToken cancellationToken)
    {
        var violations = new List<string>();
        var transfers = Acked.Transfers.ToList();
        var rewards = Acked.Rewards.ToList();
        foreach (var player in load.Players)
        {
            var expected = load.InitialBalances[player.Id]
                + rewards.Where(r => r.PlayerId == player.Id).Sum(r => r.Amount)
                + transfers.Where(t => t.PayeeId == player.Id).Sum(t => t.Amount)
                - transfers.Where(t => t.PayerId == player.Id).Sum(t => t.Amount);
            var (wallet, _) = await Gateway.UntilAnsweredAsync("wallet read (final)", HttpMethod.Get, "/api/v1/wallet", null, player.Token, Patience, cancellationToken);
            var balance = Reply.Long(wallet.Body["balance"]);
            var ledger = await LedgerOfAsync(player, cancellationToken);
            var sum = ledger.Sum(t => t.Kind is "TRANSACTION_KIND_CREDIT" or "TRANSACTION_KIND_TRANSFER_IN" ? t.Amount : -t.Amount);
            if (!wallet.Ok || balance != expected || sum != balance)
            {
                violations.Add($"{player.Id}: balance {balance} ({wallet.Status}), expected {expected} from what was acknowledged, ledger sums to {sum}");
            }

            var mine = transfers.Where(t => t.PayerId == player.Id).Select(t => (t.TransactionId, "TRANSACTION_KIND_TRANSFER_OUT"))
                .Concat(transfers.Where(t => t.PayeeId == player.Id).Select(t => (t.TransactionId, "TRANSACTION_KIND_TRANSFER_IN")))
                .Concat(rewards.Where(r => r.PlayerId == player.Id).Select(r => (r.TransactionId, "TRANSACTION_KIND_CREDIT")))
                .ToList();
            var entries = ledger.GroupBy(t => (t.Id, t.Kind)).ToDictionary(g => g.Key, g => g.Count());
            violations.AddRange(mine.Where(m => entries.GetValueOrDefault(m) != 1).Select(m => $"{player.Id}: {m.Item2} {m.TransactionId} is in the ledger {entries.GetValueOrDefault(m)} times"));
            // The starter grant is the one credit the load did not make.
            var unexplained = ledger.Count - mine.Count - 1;
            if (unexplained != 0)
            {
                violations.Add($"{player.Id}: {ledger.Count} ledger entries, {mine.Count} acknowledged + the starter grant");
            }
        }

        return new Check(
            "Every acknowledged payment is there and the ledger balances",
            violations.Count == 0 && transfers.Count > 0,
            $"{transfers.Count} transfers and {rewards.Count} quest rewards acknowledged over {load.Players.Count} wallets",
            violations);
    }

    private async Task<List<(string Id, string Kind, long Amount)>> LedgerOfAsync(Player player, CancellationToken cancellationToken)
    {
        var entries = new List<(string, string, long)>();
        var token = "";
        do
        {
            var path = $"/api/v1/wallet/transactions?pageSize=100{(token.Length > 0 ? $"&pageToken={Uri.EscapeDataString(token)}" : "")}";
            var (page, _) = await Gateway.UntilAnsweredAsync("ledger read (final)", HttpMethod.Get, path, null, player.Token, Patience, cancellationToken);
            if (!page.Ok)
            {
                throw new InvalidOperationException($"the ledger of {player.Id} could not be read: {page.Status} {page.Body.ToJsonString()}");
            }

            entries.AddRange((page.Body["transactions"]?.AsArray() ?? []).Select(t =>
                (t!["id"]!.GetValue<string>(), t["kind"]!.GetValue<string>(), Reply.Long(t["amount"]))));
            token = page.Body["nextPageToken"]?.GetValue<string>() ?? "";
        }
        while (token.Length > 0);
        return entries;
    }

    /// <summary>Every started workflow ends COMPLETED or COMPENSATED; a completed one paid its player's starter grant once.</summary>
    private async Task<Check> WorkflowsAsync(CancellationToken cancellationToken)
    {
        var workers = load.Players.Select(p => p.Id).ToHashSet();
        var ends = new Dictionary<string, int>();
        var violations = new List<string>();
        var resumed = 0;
        var workflows = Acked.Workflows.ToList();
        var endings = await Task.WhenAll(workflows.Select(w => load.Workflows.WaitEndedAsync(w, TimeSpan.FromSeconds(90), cancellationToken)));
        foreach (var (workflow, ended) in workflows.Zip(endings))
        {
            var status = ended.Ok ? ended.Text("status") : $"HTTP {ended.Status}";
            ends[status] = ends.GetValueOrDefault(status) + 1;
            resumed += (ended.Body["steps"]?.AsArray() ?? []).Any(s => (s?["attempts"]?.GetValue<int>() ?? 0) > 1) ? 1 : 0;
            if (status is not ("COMPLETED" or "COMPENSATED"))
            {
                violations.Add($"{workflow.Id} ({workflow.Cause}): {status} {ended.Body.ToJsonString()}");
            }
            else if (status == "COMPLETED" && !workers.Contains(workflow.Player.Id))
            {
                var ledger = await LedgerOfAsync(workflow.Player, cancellationToken);
                if (ledger.Count != 1 || ledger[0].Kind != "TRANSACTION_KIND_CREDIT")
                {
                    violations.Add($"{workflow.Id} ({workflow.Cause}): completed, but its player's ledger is [{string.Join(", ", ledger.Select(t => $"{t.Kind} {t.Amount}"))}]");
                }
            }
        }

        return new Check(
            "Every started workflow ends COMPLETED or COMPENSATED (and pays its grant once)",
            violations.Count == 0 && Acked.Workflows.Count > 0,
            $"{Acked.Workflows.Count} started: {string.Join(", ", ends.OrderBy(e => e.Key).Select(e => $"{e.Value} {e.Key}"))}; {resumed} ran a step more than once (retried or resumed after a crash)",
            violations);
    }

    /// <summary>Each acknowledged transfer reaches its payer's live feed exactly once (waiting a while for the last ones).</summary>
    private async Task<Check> EventsAsync(CancellationToken cancellationToken)
    {
        var expected = Acked.Transfers.GroupBy(t => t.PayerId).ToDictionary(g => g.Key, g => g.Select(t => t.TransactionId).ToHashSet());
        bool AllSeen() => load.Feeds.All(f => expected.GetValueOrDefault(f.Player.Id, []).All(f.TransfersSeen.ContainsKey));
        var deadline = Gateway.Recorder.Time.GetUtcNow() + TimeSpan.FromSeconds(30);
        while (!AllSeen() && Gateway.Recorder.Time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), Gateway.Recorder.Time, cancellationToken);
        }

        var violations = new List<string>();
        var delivered = 0;
        foreach (var feed in load.Feeds)
        {
            var mine = expected.GetValueOrDefault(feed.Player.Id, []);
            var seen = feed.TransfersSeen.ToDictionary();
            delivered += seen.Values.Sum();
            violations.AddRange(mine.Where(id => !seen.ContainsKey(id)).Select(id => $"{feed.Player.Id}: transfer {id} never reached the feed"));
            violations.AddRange(seen.Where(s => s.Value > 1).Select(s => $"{feed.Player.Id}: transfer {s.Key} delivered {s.Value} times"));
            violations.AddRange(seen.Keys.Where(id => !mine.Contains(id)).Select(id => $"{feed.Player.Id}: transfer {id} delivered but never acknowledged"));
        }

        return new Check(
            "No event lost or doubled for consumers (each transfer once on its payer's live feed)",
            violations.Count == 0 && expected.Count > 0,
            $"{expected.Values.Sum(e => e.Count)} transfer events expected, {delivered} delivered over {load.Feeds.Sum(f => f.Connections)} feed connections ({load.Feeds.Count} feeds)",
            violations);
    }
}
