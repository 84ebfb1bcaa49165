using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GamingSystem.Hosting.Dashboard.Web;

/// <summary>
/// The pages, at Aspire's dashboard paths. Each is the same small HTML shell naming its page; app.js draws
/// it from the JSON API and keeps it live. The assets are embedded in this assembly.
/// </summary>
internal static class DashboardPages
{
    private static readonly (string Path, string Page, string Title)[] Pages =
    [
        ("/", "resources", "Resources"),
        ("/consolelogs", "consolelogs", "Console logs"),
        ("/structuredlogs", "structuredlogs", "Structured logs"),
        ("/traces", "traces", "Traces"),
        ("/traces/detail/{traceId}", "trace", "Trace"),
        ("/metrics", "metrics", "Metrics"),
    ];

    public static void MapDashboardPages(this IEndpointRouteBuilder endpoints, string applicationName)
    {
        var shell = Asset("shell.html");
        foreach (var (path, page, title) in Pages)
        {
            var html = shell
                .Replace("{{page}}", page, StringComparison.Ordinal)
                .Replace("{{title}}", WebUtility.HtmlEncode(title), StringComparison.Ordinal)
                .Replace("{{app}}", WebUtility.HtmlEncode(applicationName), StringComparison.Ordinal);
            endpoints.MapGet(path, () => Results.Content(html, "text/html; charset=utf-8"));
        }

        endpoints.MapGet("/_assets/app.js", () => Results.Text(Asset("app.js"), "text/javascript; charset=utf-8"));
        endpoints.MapGet("/_assets/site.css", () => Results.Text(Asset("site.css"), "text/css; charset=utf-8"));
    }

    private static string Asset(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"dashboard/{name}")
            ?? throw new InvalidOperationException($"The dashboard asset {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
