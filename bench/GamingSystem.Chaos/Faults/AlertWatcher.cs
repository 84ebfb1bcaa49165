using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GamingSystem.Chaos.Faults;

/// <summary>An alert of deploy/prometheus/alerts.yml that fired, for which service, and when it stopped firing.</summary>
internal sealed record AlertSpan(string Name, string Service, DateTimeOffset FiredAt, DateTimeOffset? ResolvedAt);

/// <summary>Polls Prometheus' /api/v1/alerts every two seconds and keeps when each alert fired and resolved.</summary>
internal sealed class AlertWatcher(Uri prometheus, TimeProvider time) : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http = new() { BaseAddress = prometheus, Timeout = TimeSpan.FromSeconds(5) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<(string Name, string Service), DateTimeOffset> _firing = [];
    private readonly List<AlertSpan> _spans = [];
    private readonly Lock _lock = new();
    private Task _polling = Task.CompletedTask;

    /// <summary>Polls that failed (Prometheus unreachable): a watcher that saw nothing must say why.</summary>
    public int FailedPolls { get; private set; }

    public int Polls { get; private set; }

    public IReadOnlyList<AlertSpan> Spans
    {
        get
        {
            lock (_lock)
            {
                return [.. _spans, .. _firing.Select(f => new AlertSpan(f.Key.Name, f.Key.Service, f.Value, null))];
            }
        }
    }

    public bool AnyFiring
    {
        get
        {
            lock (_lock)
            {
                return _firing.Count > 0;
            }
        }
    }

    public void Start() => _polling = PollAsync(_stop.Token);

    private async Task PollAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var alerts = await _http.GetFromJsonAsync<JsonObject>("/api/v1/alerts", stop);
                var now = time.GetUtcNow();
                var firing = alerts!["data"]!["alerts"]!.AsArray()
                    .Where(a => a!["state"]!.GetValue<string>() == "firing")
                    .Select(a => (a!["labels"]!["alertname"]!.GetValue<string>(), a["labels"]!["service"]?.GetValue<string>() ?? "-"))
                    .ToHashSet();
                Observe(firing, now);
                Polls++;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
            {
                FailedPolls += stop.IsCancellationRequested ? 0 : 1;
            }

            try
            {
                await Task.Delay(Interval, time, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private void Observe(HashSet<(string Name, string Service)> firing, DateTimeOffset now)
    {
        lock (_lock)
        {
            foreach (var alert in firing.Where(a => !_firing.ContainsKey(a)))
            {
                _firing[alert] = now;
            }

            foreach (var (alert, firedAt) in _firing.Where(f => !firing.Contains(f.Key)).ToList())
            {
                _spans.Add(new AlertSpan(alert.Name, alert.Service, firedAt, now));
                _firing.Remove(alert);
            }
        }
    }

    /// <summary>Until nothing fires, or <paramref name="patience"/> ran out: whether every alert resolved.</summary>
    public async Task<bool> WaitAllResolvedAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + patience;
        while (AnyFiring && time.GetUtcNow() < deadline)
        {
            await Task.Delay(Interval, time, cancellationToken);
        }

        return !AnyFiring;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _polling;
        _http.Dispose();
        _stop.Dispose();
    }
}
