using System.Globalization;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// The wire protocol of a server-streaming call. Every frame is a NATS message; its headers say what it is.
/// <code>
/// caller -> svc.&lt;service&gt;.v1.&lt;method&gt;   request, reply-to = the caller's inbox
///                                   Gaming-Deadline, Gaming-Stream-Window: W, trace context
/// service -> inbox    open          Gaming-Stream-Control: &lt;subject the service listens on&gt;, no body
/// service -> inbox    chunks        Gaming-Stream-First: n, Gaming-Stream-Count: k (chunks n .. n+k-1, k &gt;= 1),
///                                   body = k times (varint length, encoded response message)
/// service -> inbox    end           Gaming-Stream-End: &lt;number of chunks sent&gt;, no body
/// service -> inbox    error         NATS micro error reply (Nats-Service-Error, Nats-Service-Error-Code,
///                                   body = gaming.common.v1.Error); ends the stream, before or after chunks
/// caller -> control   ack           Gaming-Stream-Ack: n (cumulative: the reader has taken chunks 1..n)
/// caller -> control   cancel        Gaming-Stream-Cancel: &lt;reason&gt;
/// </code>
/// Chunks are numbered 1, 2, 3, ... and a frame carries a run of them: as many as the producer has ready (up to
/// <see cref="StreamFrameWriter.MaxChunks"/> or <see cref="StreamFrameWriter.MaxBytes"/>, and never more than the
/// server's max_payload), so a fast producer pays NATS's per-message cost once per frame, and a slow one sends
/// each chunk as soon as it is made. Flow control counts chunks, not frames: the service sends chunk n only once
/// n &lt;= last ack + W (the request itself grants 1..W), so at most W chunks are ever in flight or buffered at
/// the caller. The caller acks in batches as its reader takes chunks, and repeats its last ack every
/// <see cref="HeartbeatInterval"/> while the stream is open: a service that hears nothing for
/// <see cref="CallerSilenceLimit"/> treats the caller as gone (process died, connection lost) and cancels the
/// handler. The caller ends a call that sends nothing for its idle timeout (DEADLINE_EXCEEDED), and the whole
/// call by its deadline, instead of a total timeout. A gap or a reordering in the numbering, a frame whose body
/// does not hold the chunks its headers announce, or an end count that disagrees, fails the call with DATA_LOSS
/// rather than returning a hole. Control subjects are inboxes (<c>_INBOX.</c>), which every service may already
/// subscribe to and publish on.
/// </summary>
internal static class StreamProtocol
{
    public const string Window = "Gaming-Stream-Window";
    public const string Control = "Gaming-Stream-Control";
    public const string First = "Gaming-Stream-First";
    public const string Count = "Gaming-Stream-Count";
    public const string End = "Gaming-Stream-End";
    public const string Ack = "Gaming-Stream-Ack";
    public const string Cancel = "Gaming-Stream-Cancel";

    /// <summary>
    /// The SDK's window, and the one a request without <see cref="Window"/> gets. Large enough that one reader is
    /// not held up by the ack's round trip on a busy machine (64 halved a single reader's throughput in the
    /// benchmark, see docs/benchmarks.md), small enough that a stream of 4 KiB chunks buffers at most 1 MiB.
    /// </summary>
    public const int DefaultWindow = 256;

    /// <summary>The largest window a service grants: the caller buffers up to this many chunks.</summary>
    public const int MaxWindow = 4096;

    /// <summary>How often an open stream's caller repeats its ack, to say it is still there while it reads slowly.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Ten missed heartbeats: a vanished caller's handler is cancelled within about two seconds. Four (800 ms) proved
    /// too few on a busy two-core machine, where a caller's process stalled that long and its live stream was
    /// abandoned (a flaky StreamBatchingTests run showed it).
    /// </summary>
    public static readonly TimeSpan CallerSilenceLimit = TimeSpan.FromSeconds(2);

    public static int ReadWindow(NatsHeaders? headers) =>
        ReadNumber(headers, Window) is { } window ? (int)Math.Clamp(window, 1, MaxWindow) : DefaultWindow;

    public static long? ReadNumber(NatsHeaders? headers, string name) =>
        headers is not null
        && headers.TryGetLastValue(name, out var text)
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    public static NatsHeaders Header(string name, long value) =>
        new() { [name] = value.ToString(CultureInfo.InvariantCulture) };
}
