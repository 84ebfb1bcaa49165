using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>The producer's credit on its own: what may be sent, and who waits for what.</summary>
public sealed class StreamCreditTests
{
    [Fact]
    public void Chunks_within_the_initial_window_need_no_wait()
    {
        var credit = new StreamCredit(4);

        Assert.True(credit.WaitForAsync(4, CancellationToken.None).IsCompletedSuccessfully);
        Assert.False(credit.WaitForAsync(5, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task A_waiting_producer_goes_on_only_when_its_chunk_is_granted()
    {
        var credit = new StreamCredit(4);
        var waiting = credit.WaitForAsync(6, CancellationToken.None).AsTask();

        credit.GrantUpTo(5);
        Assert.False(waiting.IsCompleted);

        credit.GrantUpTo(6);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Grants_only_grow_because_acks_may_arrive_out_of_order()
    {
        var credit = new StreamCredit(4);

        credit.GrantUpTo(10);
        credit.GrantUpTo(7);

        Assert.Equal(10, credit.Granted);
        Assert.True(credit.WaitForAsync(10, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_producer_waiting_for_credit_is_released_by_cancellation()
    {
        var credit = new StreamCredit(1);
        using var cancel = new CancellationTokenSource();
        var waiting = credit.WaitForAsync(2, cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
