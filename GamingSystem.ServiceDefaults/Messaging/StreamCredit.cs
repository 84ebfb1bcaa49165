namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// How far a stream's producer may go: chunk n may be sent once n &lt;= the granted sequence. Grants only ever
/// grow (acks are cumulative and may arrive out of order), and a producer that must wait awaits the next grant.
/// </summary>
internal sealed class StreamCredit(long initial)
{
    private readonly Lock _lock = new();
    private long _granted = initial;
    private TaskCompletionSource? _waiting;

    public long Granted => Volatile.Read(ref _granted);

    public void GrantUpTo(long sequence)
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            if (sequence <= _granted)
            {
                return;
            }

            Volatile.Write(ref _granted, sequence);
            wake = _waiting;
            _waiting = null;
        }

        wake?.TrySetResult();
    }

    /// <summary>Completes at once while there is credit, which is the common case at full speed.</summary>
    public ValueTask WaitForAsync(long sequence, CancellationToken cancellationToken) =>
        sequence <= Granted ? ValueTask.CompletedTask : WaitSlowAsync(sequence, cancellationToken);

    private async ValueTask WaitSlowAsync(long sequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task grant;
            lock (_lock)
            {
                if (sequence <= _granted)
                {
                    return;
                }

                // Continuations off the granting thread: that is the control subscription's reader.
                grant = (_waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await grant.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
