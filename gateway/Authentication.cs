using System.Security.Cryptography;
using System.Text;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Auth.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace GamingSystem.Gateway;

/// <summary>The player behind a request, as auth vouched for its bearer token.</summary>
internal sealed record Caller(string PlayerId, IReadOnlyList<string> Roles);

/// <summary>
/// Bearer tokens, checked with the auth service and cached briefly (a token is looked up once per
/// <see cref="GatewayOptions.TokenCacheDuration"/>, not once per request); the method's access (common.proto's
/// <c>Access</c>) says whether a caller is needed. A token that is sent must be valid, whatever the access.
/// </summary>
internal sealed class Authentication(ServiceClient client, IMemoryCache cache, IOptions<GatewayOptions> options)
{
    public const string AdminRole = "admin";
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Validate = ContractRegistry.Auth.FindMethodByName("Validate");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Logout = ContractRegistry.Auth.FindMethodByName("Logout");

    /// <summary>The caller, or null for an anonymous request to a public method.</summary>
    /// <exception cref="ServiceException">UNAUTHENTICATED (401) or PERMISSION_DENIED (403), or auth's own failure.</exception>
    public async Task<Caller?> AuthenticateAsync(HttpRoute route, HttpRequest request)
    {
        var token = BearerToken(request);
        var access = ContractRegistry.AccessOf(route.Method);
        if (token is null)
        {
            return access == Access.Public
                ? null
                : throw new ServiceException(ErrorCode.Unauthenticated, $"{request.Method} {request.Path} needs a player: send Authorization: Bearer <token from POST /api/v1/auth/login>");
        }

        var caller = await CallerAsync(token, request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (access == Access.Admin && !caller.Roles.Contains(AdminRole))
        {
            throw new ServiceException(ErrorCode.PermissionDenied, $"{request.Method} {request.Path} is for administrators");
        }

        return caller;
    }

    /// <summary>
    /// Logout and the session lookup act on the request's own bearer token. A token in the query or the body is refused
    /// rather than ignored: a URL carrying a session token ends up in logs and histories.
    /// </summary>
    public static void BindSessionToken(HttpRequest request, Google.Protobuf.IMessage message)
    {
        switch (message)
        {
            case LogoutRequest logout:
                RefuseSentToken(logout.Token);
                logout.Token = BearerToken(request) ?? string.Empty;
                break;
            case ValidateRequest validate:
                RefuseSentToken(validate.Token);
                validate.Token = BearerToken(request) ?? string.Empty;
                break;
        }
    }

    /// <summary>Fields the gateway fills from the Authorization header: not parameters of the HTTP route.</summary>
    public static bool IsSessionToken(Google.Protobuf.Reflection.FieldDescriptor field) =>
        field.Name == "token" && (field.ContainingType == LogoutRequest.Descriptor || field.ContainingType == ValidateRequest.Descriptor);

    private static void RefuseSentToken(string token)
    {
        if (token.Length > 0)
        {
            throw ServiceException.InvalidArgument("token", "is read from the Authorization: Bearer header only; a session token in a URL or a body would end up in logs");
        }
    }

    /// <summary>Whether the request's session is still valid (a stream asks this while it runs); false once it was ended.</summary>
    public async Task<bool> StillSignedInAsync(HttpRequest request)
    {
        if (BearerToken(request) is not { } token)
        {
            return false;
        }

        try
        {
            await CallerAsync(token, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return true;
        }
        catch (ServiceException ex) when (ex.Code == ErrorCode.Unauthenticated)
        {
            return false;
        }
    }

    /// <summary>After a successful logout the token must stop working at once, not when its cache entry expires.</summary>
    public void Forget(HttpRoute route, HttpRequest request)
    {
        if (route.Method == Logout && BearerToken(request) is { } bearer)
        {
            cache.Remove(CacheKey(bearer));
        }
    }

    private async Task<Caller> CallerAsync(string token, CancellationToken cancellationToken)
    {
        var key = CacheKey(token);
        if (cache.TryGetValue(key, out Caller? cached) && cached is not null)
        {
            return cached;
        }

        var session = await client.RequestAsync<ValidateResponse>(Validate, new ValidateRequest { Token = token }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var caller = new Caller(session.PlayerId, [.. session.Roles]);
        cache.Set(key, caller, new MemoryCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = options.Value.TokenCacheDuration,
            // Never cached past the session's own end (a session without one is cached for the short duration only).
            AbsoluteExpiration = session.ExpiresAt?.ToDateTimeOffset(),
            Size = 1,
        });
        return caller;
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return null;
        }

        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : throw new ServiceException(ErrorCode.Unauthenticated, "the Authorization header must be 'Bearer <token>'", field: "Authorization");
    }

    // The token itself never sits in the cache's keys.
    private static string CacheKey(string token) => "token:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
