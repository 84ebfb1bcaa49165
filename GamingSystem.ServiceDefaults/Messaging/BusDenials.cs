using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// Turns the server's refusals into errors for the call that caused them. NATS answers a publish its user may not
/// make with an asynchronous <c>-ERR 'Permissions Violation for Publish to "subject"'</c> and nothing else: a
/// request would wait out its deadline. Calls watch their subject while they wait; a refusal of that subject ends
/// them at once with PERMISSION_DENIED, and every refusal is logged as an error naming the subject.
/// </summary>
public sealed partial class BusDenials : IDisposable
{
    private const string PublishPrefix = "Permissions Violation for Publish to ";
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(10);

    private readonly INatsConnection _nats;
    private readonly TimeProvider _time;
    private readonly ILogger<BusDenials> _logger;
    private readonly ConcurrentDictionary<Watch, byte> _watching = new();
    private readonly ConcurrentDictionary<string, (string Reason, DateTimeOffset Until)> _refused = new(StringComparer.Ordinal);

    public BusDenials(INatsConnection nats, TimeProvider time, ILogger<BusDenials> logger)
    {
        _nats = nats;
        _time = time;
        _logger = logger;
        nats.ServerError += OnServerErrorAsync;
    }

    /// <summary>Only a connection with a user can be refused anything; without one, calls pay nothing for this.</summary>
    private bool Enabled => _nats.Opts.AuthOpts.Username is not null;

    /// <summary>
    /// Watches a publish to <paramref name="subject"/>: the returned token ends when the caller's does or when the
    /// server refuses the subject; null when nothing can be refused. Throws at once for a subject refused moments ago.
    /// </summary>
    public Watch? Start(string subject, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return null;
        }

        if (!_refused.IsEmpty && _refused.TryGetValue(subject, out var refused) && refused.Until > _time.GetUtcNow())
        {
            throw Denied(subject, refused.Reason);
        }

        var watch = new Watch(this, subject, cancellationToken);
        _watching.TryAdd(watch, 0);
        return watch;
    }

    /// <summary>The error a refused publish becomes: it names the subject, and why a service may not publish there.</summary>
    public static ServiceException Denied(string subject, string reason) => ServiceException.PermissionDenied(
        $"NATS refused to let this process publish to {subject} ({reason}): its identity may call only the services its AppHost resource references, and publish only its own events (docs/security.md)");

    private ValueTask OnServerErrorAsync(object? sender, NatsServerErrorEventArgs args)
    {
        LogRefused(args.Error);
        var error = args.Error.Trim('\'');
        if (!error.StartsWith(PublishPrefix, StringComparison.Ordinal))
        {
            return ValueTask.CompletedTask;
        }

        var subject = error[PublishPrefix.Length..].Trim('"');
        _refused[subject] = (error, _time.GetUtcNow() + Remembered);
        foreach (var watch in _watching.Keys)
        {
            if (watch.Subject == subject)
            {
                watch.Refuse(error);
            }
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose() => _nats.ServerError -= OnServerErrorAsync;

    [LoggerMessage(EventId = 120, Level = LogLevel.Error, Message = "NATS refused this process: {Error}")]
    private partial void LogRefused(string error);

    /// <summary>One call's watch on its subject.</summary>
    public sealed class Watch : IDisposable
    {
        private readonly BusDenials _owner;
        private readonly CancellationTokenSource _source;
        private volatile string? _reason;

        internal Watch(BusDenials owner, string subject, CancellationToken cancellationToken)
        {
            _owner = owner;
            Subject = subject;
            _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }

        public string Subject { get; }

        /// <summary>Cancelled by the caller, or by the server's refusal (then <see cref="Refusal"/> says why).</summary>
        public CancellationToken Token => _source.Token;

        /// <summary>The server's words, once it refused the subject.</summary>
        public string? Refusal => _reason;

        internal void Refuse(string reason)
        {
            _reason = reason;
            try
            {
                _source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The call already ended.
            }
        }

        public void Dispose()
        {
            _owner._watching.TryRemove(this, out _);
            _source.Dispose();
        }
    }
}
