using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using MultiCloud.ApiFrontend.Contracts;
using MultiCloud.Grains.Interfaces;

namespace MultiCloud.ApiFrontend.Problems;

/// <summary>
/// Turns exceptions into problem details: malformed requests into 400/413/415 naming the field at fault, an
/// unavailable cluster or storage into 503 with <c>Retry-After</c> (for a mutation whose fate is unknown: the
/// outcome-unknown problem, never success or failure), anything else into 500.
/// </summary>
/// <param name="problemDetails">Writes the problem.</param>
/// <param name="options">Retry-After seconds.</param>
/// <param name="logger">Logger.</param>
public sealed partial class LedgerExceptionHandler(
    IProblemDetailsService problemDetails,
    IOptions<LedgerApiOptions> options,
    ILogger<LedgerExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var isMutation = HttpMethods.IsPost(httpContext.Request.Method);
        var problem = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(bad),
            RegionNotPrimaryException notPrimary => NotPrimary(notPrimary),
            StorageUnavailableException storage when isMutation && storage.OutcomeUnknown => OutcomeUnknown(storage.Message),
            StorageUnavailableException storage => Unavailable(storage.Message),
            TimeoutException or OrleansException or OperationCanceledException when isMutation && !httpContext.RequestAborted.IsCancellationRequested
                => OutcomeUnknown($"The cluster did not answer in time ({exception.GetType().Name}); retry with the same Idempotency-Key to learn the outcome."),
            TimeoutException or OrleansException => Unavailable($"The cluster did not answer ({exception.GetType().Name}: {exception.Message})."),
            _ => null,
        };

        if (problem is null)
        {
            LogErrorUnhandled(exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = 500,
                Type = ProblemTypes.Internal,
                Title = "An unexpected error occurred.",
                Detail = isMutation
                    ? "The outcome of the operation is unknown; retry with the same Idempotency-Key to learn it."
                    : "The request failed; it changed nothing.",
            };
        }
        else if (problem.Status == 503)
        {
            LogWarningUnavailable(httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name, exception.Message);
            httpContext.Response.Headers.RetryAfter = options.Value.RetryAfterHeader;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new ProblemDetails
            {
                Status = 413,
                Type = ProblemTypes.BodyTooLarge,
                Title = "The request body is too large.",
                Detail = bad.Message,
                Extensions = { ["field"] = "body" },
            };
        }

        var (field, detail) = bad.InnerException is JsonException json
            ? Describe(json)
            : ("body", bad.Message);
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] })
        {
            Status = 400,
            Type = ProblemTypes.Validation,
            Title = "The request is not valid.",
            Detail = detail,
            Extensions = { ["field"] = field },
        };
    }

    private static ProblemDetails OutcomeUnknown(string detail) => new()
    {
        Status = 503,
        Type = ProblemTypes.OutcomeUnknown,
        Title = "The outcome of the operation is unknown.",
        Detail = detail,
    };

    private static ProblemDetails NotPrimary(RegionNotPrimaryException exception) => new()
    {
        Status = 503,
        Type = ProblemTypes.RegionNotPrimary,
        Title = "This region does not serve while the database primary is elsewhere; nothing was applied.",
        Detail = exception.Message,
        Extensions = { ["primaryRegion"] = exception.PrimaryRegion },
    };

    private static ProblemDetails Unavailable(string detail) => new()
    {
        Status = 503,
        Type = ProblemTypes.ServiceUnavailable,
        Title = "The service is unavailable; nothing was applied.",
        Detail = detail,
    };

    /// <summary>"$.amount" → "amount"; "$" or null → "body".</summary>
    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
    }

    private static (string Field, string Detail) Describe(JsonException json)
    {
        var field = FieldOf(json.Path);
        if (field == "body")
        {
            return (field, "The request body is not valid JSON for this request (an object is expected).");
        }

        return json.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? (field, $"'{field}' is not a field of this request.")
            : json.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)
                ? (field, $"'{field}' appears more than once.")
                : (field, $"'{field}' has a value of the wrong type or format: amounts are JSON integers, ids are UUID strings.");
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}")]
    private partial void LogErrorUnhandled(Exception exception, string method, string path);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: {ExceptionType}: {Detail}")]
    private partial void LogWarningUnavailable(string method, string path, string exceptionType, string detail);
}
