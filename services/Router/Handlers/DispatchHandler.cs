using GamingSystem.Contracts;
using GamingSystem.Contracts.CapabilityRegistry.V1;
using GamingSystem.Contracts.Router.V1;
using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.Router.Handlers;

/// <summary>
/// Parses the command, asks capability-registry whether its owning service is running (a command whose service is
/// not built or not up is UNAVAILABLE naming it, without a call that could only fail), and calls that service as
/// the player (the caller's identity travels with the call).
/// </summary>
public sealed class DispatchHandler(CommandTable table, ServiceClient client) : IServiceHandler<DispatchRequest, DispatchResponse>
{
    private static readonly MethodDescriptor GetPlayerLocation = ContractRegistry.WorldState.FindMethodByName("GetPlayerLocation");
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public async ValueTask<DispatchResponse> HandleAsync(DispatchRequest request, CallContext context)
    {
        var (command, arguments) = Parse(request.Text);
        var subject = ServiceSubjects.For(command.Target);
        var owner = ContractRegistry.ResourceName(command.Target.Service);
        var live = await client.RequestAsync<FindResponse>(
            ContractRegistry.CapabilityRegistry.FindMethodByName("Find"), new FindRequest { Capability = subject }, cancellationToken: context.CancellationToken).ConfigureAwait(false);
        if (live.Instances.Count == 0)
        {
            throw ServiceException.Unavailable($"'{command.Verb}' is served by {owner}, which is not running in this system (no instance offers {subject})");
        }

        if (command.RegionDefaultsToLocation && arguments.Count == 0)
        {
            var location = await client.RequestAsync<PlayerLocation>(GetPlayerLocation, new GetPlayerLocationRequest(), cancellationToken: context.CancellationToken).ConfigureAwait(false);
            arguments = [location.RegionId];
        }

        var response = await client.RequestAsync(command.Target, command.Request(arguments), cancellationToken: context.CancellationToken).ConfigureAwait(false);
        var result = JsonParser.Default.Parse<Struct>(Formatter.Format(response));
        return new DispatchResponse { Reply = command.Format(result), Command = command.Verb, RoutedTo = command.Target.FullName, Result = result };
    }

    private (Command Command, IReadOnlyList<string> Arguments) Parse(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0)
        {
            throw ServiceException.InvalidArgument("text", $"type a command: {string.Join(", ", table.Commands.Select(c => c.Verb))}");
        }

        var verb = words[0].ToLowerInvariant();
        if (table.Find(verb) is not { } command)
        {
            var suggestion = table.Closest(verb);
            throw new ServiceException(
                Contracts.Common.V1.ErrorCode.InvalidArgument,
                $"text: unknown command '{verb}'; did you mean '{suggestion}'? The commands are {string.Join(", ", table.Commands.Select(c => c.Verb))}",
                "text",
                new Dictionary<string, string> { ["suggestion"] = suggestion });
        }

        var given = words.Length - 1;
        if (given < command.Arguments)
        {
            throw ServiceException.InvalidArgument("text", $"usage: {command.Usage}");
        }

        // The last argument takes the rest of the line ("talk mira hello there"); an optional one only when given.
        var slots = Math.Min(given, command.Arguments + (command.RegionDefaultsToLocation ? 1 : 0));
        var arguments = slots == 0
            ? []
            : words[1..slots].Append(string.Join(' ', words[slots..])).ToArray();
        return (command, arguments);
    }
}
