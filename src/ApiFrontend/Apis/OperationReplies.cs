using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MultiCloud.ApiFrontend.Contracts;
using MultiCloud.ApiFrontend.Problems;
using MultiCloud.Grains.Interfaces;

namespace MultiCloud.ApiFrontend.Apis;

/// <summary>
/// Translates an <see cref="OperationReply"/> into HTTP. The body is built from the stored result only, so a
/// replay answers with the same status and body as the first request (plus <c>Idempotent-Replayed: true</c>).
/// </summary>
internal static class OperationReplies
{
    /// <summary>Runs a command under an idempotency key and maps the reply.</summary>
    public static async Task<Results<TSuccess, ProblemHttpResult, ValidationProblem>> ExecuteAsync<TSuccess>(
        IGrainFactory grains,
        HttpContext http,
        string idempotencyKey,
        LedgerCommand command,
        Func<LedgerOperationResult, TSuccess> success)
        where TSuccess : IResult
    {
        var reply = await grains.GetGrain<ILedgerOperationGrain>(idempotencyKey).ExecuteAsync(command);
        if (reply.Replayed)
        {
            http.Response.Headers[IdempotencyKey.ReplayedHeaderName] = "true";
        }

        switch (reply.Status)
        {
            case OperationReplyStatus.Completed when reply.Result is { Error: { } error } result:
                return error.Code is LedgerErrorCode.InvalidRequest or LedgerErrorCode.AmountOutOfRange or LedgerErrorCode.SameAccount
                    ? LedgerProblems.Validation([error])
                    : LedgerProblems.Refused(error, result.Transfer?.Id);
            case OperationReplyStatus.Completed when reply.Result is { } result:
                return success(result);
            case OperationReplyStatus.InFlight:
                SetRetryAfter(http);
                return LedgerProblems.InFlight(reply.Detail);
            case OperationReplyStatus.KeyReused:
                return LedgerProblems.KeyReused(reply.Detail);
            case OperationReplyStatus.NotApplied:
                SetRetryAfter(http);
                return LedgerProblems.Unavailable(reply.Detail);
            default:
                SetRetryAfter(http);
                return LedgerProblems.OutcomeUnknown(reply.Detail);
        }
    }

    private static void SetRetryAfter(HttpContext http) => http.Response.Headers.RetryAfter =
        http.RequestServices.GetRequiredService<IOptions<LedgerApiOptions>>().Value.RetryAfterHeader;
}
