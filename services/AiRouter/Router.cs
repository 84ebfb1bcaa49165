using GamingSystem.Contracts;
using GamingSystem.Contracts.AiIntegration.V1;
using GamingSystem.Contracts.AiRouter.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.AiRouter;

/// <summary>
/// One route: the candidates in order, each called through ai-integration unless a budget or its open circuit rules it
/// out, until one answers. Every attempt is in the reply (or the error's details), so a caller sees why a model was
/// not used.
/// </summary>
public sealed partial class Router(ModelCatalog catalog, ModelHealth health, ServiceClient services, TimeProvider time, ILogger<Router> logger)
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Generate = ContractRegistry.AiIntegration.FindMethodByName("Generate");

    public async Task<RouteResponse> RouteAsync(RouteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RouteRules.Check(request);
        var started = time.GetTimestamp();
        var (models, defaultId) = await catalog.ForTaskAsync(request.TaskType, cancellationToken).ConfigureAwait(false);
        var candidates = Candidates.Order(models, defaultId, request);
        var attempts = new List<Attempt>();
        foreach (var candidate in candidates)
        {
            var id = candidate.Model.Id;
            if (candidate.SkipReason is { } reason)
            {
                attempts.Add(new Attempt { ModelId = id, Outcome = reason });
                continue;
            }

            var breaker = health.For(id);
            if (!breaker.TryAcquire())
            {
                attempts.Add(new Attempt { ModelId = id, Outcome = Candidates.CircuitOpen });
                continue;
            }

            var attemptStarted = time.GetTimestamp();
            try
            {
                var reply = await services.RequestAsync<GenerateResponse>(Generate, GenerateRequest(id, request), cancellationToken: cancellationToken).ConfigureAwait(false);
                var latency = (long)time.GetElapsedTime(attemptStarted).TotalMilliseconds;
                breaker.Succeeded(latency);
                // Skipped for the request's own budgets is a choice, not a fallback; a failure or an open circuit is.
                var fellBack = attempts.Any(a => a.Outcome is not (Candidates.TooSlow or Candidates.TooExpensive));
                attempts.Add(new Attempt { ModelId = id, Outcome = "ok", LatencyMs = latency });
                health.Routed(fellBack);
                return new RouteResponse
                {
                    ModelId = id,
                    Provider = reply.Provider,
                    Text = reply.Text,
                    Usage = reply.Usage,
                    Attempts = { attempts },
                    LatencyMs = (long)time.GetElapsedTime(started).TotalMilliseconds,
                    FellBack = fellBack,
                };
            }
            catch (ServiceException ex) when (ex.Code == ErrorCode.InvalidArgument)
            {
                // The provider refused this request (e.g. too long for its context): the next model may take it, but the
                // model is not failing, so its circuit hears nothing.
                breaker.Released();
                attempts.Add(new Attempt { ModelId = id, Outcome = ErrorCodes.ToName(ex.Code), LatencyMs = (long)time.GetElapsedTime(attemptStarted).TotalMilliseconds });
            }
            catch (ServiceException ex) when (IsModelFailure(ex, cancellationToken))
            {
                breaker.Failed($"{ErrorCodes.ToName(ex.Code)}: {ex.Message}");
                LogModelFailed(id, ErrorCodes.ToName(ex.Code), ex.Message, breaker.State);
                attempts.Add(new Attempt { ModelId = id, Outcome = ErrorCodes.ToName(ex.Code), LatencyMs = (long)time.GetElapsedTime(attemptStarted).TotalMilliseconds });
            }
            catch
            {
                // Not the model's fault (the caller went away, its deadline passed, it may not call): no verdict, no fallback.
                breaker.Released();
                throw;
            }
        }

        throw NoModel(request, candidates, attempts);
    }

    /// <summary>
    /// Failures that say the model (or its provider) cannot serve now, so the next model may. Not the caller's own
    /// deadline, cancellation or permissions, which no other model would change.
    /// </summary>
    private bool IsModelFailure(ServiceException exception, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && exception.Code switch
        {
            ErrorCode.Unavailable or ErrorCode.FailedPrecondition or ErrorCode.NotFound or ErrorCode.Internal or ErrorCode.ResourceExhausted => true,
            // The model was too slow only if the route itself still has time; otherwise the caller's deadline is what passed.
            ErrorCode.DeadlineExceeded => CallContext.Current is not { } call || call.Deadline > time.GetUtcNow(),
            _ => false,
        };

    private static GenerateRequest GenerateRequest(string model, RouteRequest request)
    {
        var generate = new GenerateRequest { Model = model, MaxTokens = request.MaxTokens };
        if (!string.IsNullOrWhiteSpace(request.SystemPrompt))
        {
            generate.Messages.Add(new ChatMessage { Role = Role.System, Content = request.SystemPrompt });
        }

        generate.Messages.Add(new ChatMessage { Role = Role.User, Content = request.Prompt });
        if (request.HasTemperature)
        {
            generate.Temperature = request.Temperature;
        }

        if (request.HasSeed)
        {
            generate.Seed = request.Seed;
        }

        return generate;
    }

    /// <summary>FAILED_PRECONDITION when nothing qualifies for the task and budgets; UNAVAILABLE when what qualified failed or was open.</summary>
    private static ServiceException NoModel(RouteRequest request, IReadOnlyList<Candidate> candidates, List<Attempt> attempts)
    {
        var details = attempts.ToDictionary(a => a.ModelId, a => a.Outcome, StringComparer.Ordinal);
        var why = attempts.Count == 0 ? "no active model has it as a capability" : string.Join(", ", attempts.Select(a => $"{a.ModelId}: {a.Outcome}"));
        return candidates.All(c => c.SkipReason is not null)
            ? ServiceException.FailedPrecondition($"no model can do {request.TaskType} within the request's budgets ({why})", details)
            : new ServiceException(ErrorCode.Unavailable, $"every model for {request.TaskType} failed or has its circuit open ({why})", details: details);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Model {Model} failed with {Code} ({Message}); its circuit is {Circuit}")]
    private partial void LogModelFailed(string model, string code, string message, string circuit);
}
