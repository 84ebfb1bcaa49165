using GamingSystem.Contracts;
using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace GamingSystem.EventBus.Handlers;

/// <summary>
/// Publishes a dead letter again on its original subject with its original headers, then removes it from DLQ.
/// The republish's message id derives from the dead letter, so a redrive repeated after a failure is stored once.
/// </summary>
public sealed partial class RedriveHandler(EventLog log, EventPublisher publisher, ILogger<RedriveHandler> logger) : IServiceHandler<RedriveRequest, RedriveResponse>
{
    public async ValueTask<RedriveResponse> HandleAsync(RedriveRequest request, CallContext context)
    {
        var sequence = EventRules.Sequence(request.DeadLetterId, "deadLetterId");
        var dlq = EventContracts.DeadLetters;
        var stored = await log.GetAsync(dlq.Name, dlq.Subjects[0], sequence, context.CancellationToken).ConfigureAwait(false)
            ?? throw ServiceException.NotFound($"no dead letter {sequence} (already redriven, or expired)");

        var letter = ListDeadLettersHandler.DeadLetterOf(stored);
        if (letter.OriginalSubject.Length == 0)
        {
            throw ServiceException.FailedPrecondition($"dead letter {sequence} has no {EventHeaders.OriginalSubject} header; it was not written by a consumer");
        }

        var headers = new NatsHeaders();
        foreach (var (name, value) in stored.Headers.Where(h => !h.Key.StartsWith("Gaming-Dlq-", StringComparison.Ordinal)))
        {
            headers[name] = value;
        }

        headers[EventHeaders.MessageId] = $"redrive:{sequence}";
        var receipt = await publisher.PublishAsync(letter.OriginalSubject, stored.Payload.Memory, headers, context.CancellationToken).ConfigureAwait(false);
        await log.DeleteAsync(dlq.Name, sequence, context.CancellationToken).ConfigureAwait(false);
        LogRedriven(sequence, letter.OriginalSubject, receipt.Stream, receipt.Sequence);
        return new RedriveResponse { Subject = letter.OriginalSubject, Stream = receipt.Stream, Sequence = receipt.Sequence };
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Redrove dead letter {Id} to {Subject} ({Stream} #{Sequence})")]
    private partial void LogRedriven(ulong id, string subject, string stream, ulong sequence);
}
