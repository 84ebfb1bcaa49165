using System.Runtime.CompilerServices;
using GamingSystem.Contracts;
using GamingSystem.Contracts.AiIntegration.V1;
using GamingSystem.Contracts.Auth.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Gateway.Tests;

/// <summary>
/// Scripted auth (one valid token) and ai-integration, whose stream the prompt drives: a few chunks and an end,
/// a failure after two chunks, or chunks until the caller goes away (which it records).
/// </summary>
internal static class StreamBackend
{
    public const string Token = "a-valid-token";
    public const string Player = "player-1";

    public static async Task<IHost> StartAsync(string natsConnectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{ResourceNames.Nats}"] = natsConnectionString });
        builder.AddNatsClient(ResourceNames.Nats);
        builder.Services.AddSingleton<Abandoned>();
        builder.AddNatsService(ContractRegistry.Auth)
            .AddHandler<ValidateHandler>().AddHandler<Unused<RegisterRequest, RegisterResponse>>()
            .AddHandler<Unused<LoginRequest, LoginResponse>>().AddHandler<Unused<LogoutRequest, LogoutResponse>>();
        builder.AddNatsService(ContractRegistry.AiIntegration)
            .AddHandler<StreamHandler>().AddHandler<Unused<GenerateRequest, GenerateResponse>>()
            .AddHandler<Unused<ListProvidersRequest, ListProvidersResponse>>();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Completes when an endless stream's caller has gone and the handler's token fired.</summary>
    public sealed class Abandoned
    {
        public TaskCompletionSource Stream { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public sealed class ValidateHandler : IServiceHandler<ValidateRequest, ValidateResponse>
    {
        public ValueTask<ValidateResponse> HandleAsync(ValidateRequest request, CallContext context) => request.Token == Token
            ? ValueTask.FromResult(new ValidateResponse
            {
                PlayerId = Player,
                Roles = { "player" },
                ExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(context.Deadline.AddHours(1)),
            })
            : throw new ServiceException(Contracts.Common.V1.ErrorCode.Unauthenticated, "unknown token");
    }

    public sealed class StreamHandler(Abandoned abandoned) : IStreamHandler<GenerateRequest, GenerateChunk>
    {
        public async IAsyncEnumerable<GenerateChunk> HandleAsync(GenerateRequest request, CallContext context)
        {
            var prompt = request.Messages.Count > 0 ? request.Messages[0].Content : "";
            for (var index = 0; ; index++)
            {
                if (prompt == "fail" && index == 2)
                {
                    throw ServiceException.Unavailable("the model went away mid-sentence");
                }

                if (prompt != "endless" && index == 3)
                {
                    yield break;
                }

                yield return new GenerateChunk { Index = index, Delta = $"word{index} " };
                if (prompt == "endless")
                {
                    await WaitAsync(context.CancellationToken, abandoned);
                }
            }
        }

        private static async Task WaitAsync(CancellationToken token, Abandoned abandoned)
        {
            try
            {
                await Task.Delay(50, token);
            }
            catch (OperationCanceledException)
            {
                abandoned.Stream.TrySetResult();
                throw;
            }
        }
    }

    public sealed class Unused<TRequest, TResponse> : IServiceHandler<TRequest, TResponse>
        where TRequest : Google.Protobuf.IMessage<TRequest>
        where TResponse : Google.Protobuf.IMessage<TResponse>
    {
        public ValueTask<TResponse> HandleAsync(TRequest request, CallContext context) =>
            throw ServiceException.Unavailable("not scripted");
    }
}
