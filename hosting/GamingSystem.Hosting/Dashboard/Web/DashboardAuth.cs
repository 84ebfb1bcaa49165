using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GamingSystem.Hosting.Dashboard.Web;

/// <summary>
/// The dashboard shows secrets-adjacent detail (environment, logs), so nothing is served without the
/// per-run token: from the login link once (<c>/login?t=...</c>, then an HttpOnly cookie) or as a bearer
/// token for scripts. OTLP exports authenticate with their own key in a header.
/// </summary>
internal sealed class DashboardAuth(string browserToken, string otlpApiKey)
{
    public const string CookieName = "gamingsystem-dashboard";
    public const string OtlpApiKeyHeader = "x-otlp-api-key";

    public string BrowserToken { get; } = browserToken;

    public string OtlpApiKey { get; } = otlpApiKey;

    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public void Use(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments("/login"))
            {
                await LoginAsync(context).ConfigureAwait(false);
                return;
            }

            var allowed = path.StartsWithSegments("/v1")
                ? Matches(context.Request.Headers[OtlpApiKeyHeader].ToString(), OtlpApiKey)
                : Matches(context.Request.Cookies[CookieName], BrowserToken) || Matches(Bearer(context.Request), BrowserToken);
            if (!allowed)
            {
                await UnauthorizedAsync(context).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
    }

    private async Task LoginAsync(HttpContext context)
    {
        if (!Matches(context.Request.Query["t"].ToString(), BrowserToken))
        {
            await UnauthorizedAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.Cookies.Append(CookieName, BrowserToken, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            IsEssential = true,
            Path = "/",
        });
        context.Response.Redirect("/");
    }

    private static Task UnauthorizedAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/v1"))
        {
            context.Response.ContentType = "application/problem+json";
            return context.Response.WriteAsync("""{"title":"UNAUTHENTICATED","status":401,"detail":"open the dashboard link the AppHost printed, or send Authorization: Bearer <token>"}""");
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>GamingSystem dashboard: sign in</title></head>
            <body style="font-family:system-ui;margin:4rem"><h1>Sign in needed</h1>
            <p>Open the dashboard with the login link the AppHost printed in its console (<code>/login?t=...</code>).</p></body></html>
            """);
    }

    private static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private static bool Matches(string? given, string expected) =>
        !string.IsNullOrEmpty(given)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
