using GamingSystem.Contracts;

namespace GamingSystem.Gateway.Tests;

public sealed class HttpRouteTests
{
    [Fact]
    public void State_manager_routes_come_from_its_http_annotations()
    {
        var routes = HttpRoute.For(ContractRegistry.StateManager)
            .Select(r => $"{r.Verb} {r.Pattern} body={r.Body} path={string.Join(',', r.PathFields.Select(f => f.Name))} -> {r.Method.Name}");

        Assert.Equal(
            [
                "GET /api/v1/state/{**key} body= path=key -> Get",
                "PUT /api/v1/state/{**key} body=* path=key -> Put",
                "DELETE /api/v1/state/{**key} body= path=key -> Delete",
                "GET /api/v1/state body= path= -> List",
            ],
            routes);
    }
}
