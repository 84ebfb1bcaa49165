using System.Net;
using GamingSystem.Contracts;

namespace GamingSystem.IntegrationTests;

/// <summary>What the dashboard offers beside the gateway resource: its address and the interactive API page.</summary>
[Collection(SystemCollection.Name)]
public sealed class GatewayPageTests(SystemFixture system)
{
    [Fact]
    public async Task The_gateway_resource_links_the_scalar_page_and_the_link_opens_it()
    {
        Assert.True(system.App.ResourceNotifications.TryGetCurrentState(ResourceNames.Gateway, out var gateway));
        var link = Assert.Single(gateway.Snapshot.Urls, url => url.DisplayProperties.DisplayName == "API reference (Scalar)");

        Assert.Equal("/scalar", new Uri(link.Url).AbsolutePath);
        using var client = new HttpClient();
        using var page = await client.GetAsync(link.Url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("GamingSystem API", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
