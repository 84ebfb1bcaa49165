namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>NATS header names the SDK reads and writes; defined once for services, gateway and tests.</summary>
public static class MessagingHeaders
{
    /// <summary>
    /// Absolute deadline of the call, Unix time in milliseconds. Handlers stop work past it. Absent means
    /// <see cref="DefaultTimeout"/> from receipt: a header block costs every request noticeable CPU in NATS.Net,
    /// so the common case sends none.
    /// </summary>
    public const string Deadline = "Gaming-Deadline";

    /// <summary>The deadline a call has when its caller sets none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Caller-chosen key that makes a mutating call safe to retry.</summary>
    public const string IdempotencyKey = "Gaming-Idempotency-Key";

    /// <summary>The authenticated player, set by the gateway only (see <see cref="CallerProof"/>).</summary>
    public const string PlayerId = "Gaming-Player-Id";

    /// <summary>The gateway's signature over <see cref="PlayerId"/> (<see cref="CallerProofs"/>); forwarded unchanged by services.</summary>
    public const string CallerProof = "Gaming-Caller-Proof";
}
