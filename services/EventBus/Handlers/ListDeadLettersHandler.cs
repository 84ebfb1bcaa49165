using System.Globalization;
using GamingSystem.Contracts;
using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.EventBus.Handlers;

public sealed class ListDeadLettersHandler(EventLog log) : IServiceHandler<ListDeadLettersRequest, ListDeadLettersResponse>
{
    public async ValueTask<ListDeadLettersResponse> HandleAsync(ListDeadLettersRequest request, CallContext context)
    {
        var filter = request.SubjectFilter.Length == 0 ? EventContracts.DeadLetters.Subjects[0] : request.SubjectFilter;
        if (EventRules.Filter(filter) != EventContracts.DeadLetters)
        {
            throw ServiceException.InvalidArgument("subjectFilter", $"'{filter}' is not a dead-letter subject (dlq.<original subject>)");
        }

        var from = request.PageToken.Length == 0 ? 0 : EventRules.Sequence(request.PageToken, "pageToken");
        var (letters, next) = await log.ReadAsync(EventContracts.DeadLetters.Name, filter, new EventLog.Start(from, null), EventRules.Limit(request.PageSize, "pageSize"), context.CancellationToken)
            .ConfigureAwait(false);

        return new ListDeadLettersResponse
        {
            DeadLetters = { letters.Select(DeadLetterOf) },
            NextPageToken = next == 0 ? "" : next.ToString(CultureInfo.InvariantCulture),
        };
    }

    internal static DeadLetter DeadLetterOf(StoredEvent stored)
    {
        string Header(string name) => stored.Headers.GetValueOrDefault(name, "");
        return new DeadLetter
        {
            Id = stored.Sequence.ToString(CultureInfo.InvariantCulture),
            OriginalSubject = Header(EventHeaders.OriginalSubject),
            Type = stored.Type,
            Payload = stored.Payload,
            Headers = { stored.Headers },
            Consumer = Header(EventHeaders.Consumer),
            Error = Header(EventHeaders.Error),
            Deliveries = ulong.TryParse(Header(EventHeaders.Deliveries), CultureInfo.InvariantCulture, out var deliveries) ? deliveries : 0,
            DeadAt = stored.PublishedAt,
        };
    }
}
