using GamingSystem.Contracts.Router.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Router.Handlers;

public sealed class ListRoutesHandler(CommandTable table) : IServiceHandler<ListRoutesRequest, ListRoutesResponse>
{
    public ValueTask<ListRoutesResponse> HandleAsync(ListRoutesRequest request, CallContext context) =>
        ValueTask.FromResult(new ListRoutesResponse
        {
            Routes =
            {
                table.Commands.Select(c => new CommandRoute { Verb = c.Verb, Usage = c.Usage, Description = c.Description, RoutedTo = c.Target.FullName }),
            },
        });
}
