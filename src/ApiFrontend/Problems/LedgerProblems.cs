using Microsoft.AspNetCore.Http.HttpResults;
using MultiCloud.ApiFrontend.Apis;
using MultiCloud.Grains.Interfaces;

namespace MultiCloud.ApiFrontend.Problems;

/// <summary>Builds the API's problem responses; every one names its type, and the field at fault where there is one.</summary>
public static class LedgerProblems
{
    /// <summary>400 with <c>errors</c> (field → messages) and <c>field</c> (the first field at fault).</summary>
    public static ValidationProblem Validation(IReadOnlyList<LedgerError> errors)
    {
        var byField = errors
            .GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Detail).ToArray(), StringComparer.Ordinal);
        return TypedResults.ValidationProblem(byField,
            detail: errors[0].Detail,
            title: "The request is not valid.",
            type: ProblemTypes.Validation,
            extensions: new Dictionary<string, object?> { ["field"] = errors[0].Field });
    }

    /// <summary>400 for one field.</summary>
    public static ValidationProblem Validation(string field, string detail)
        => Validation([new LedgerError(LedgerErrorCode.InvalidRequest, field, detail)]);

    /// <summary>The problem for a business refusal recorded by the ledger.</summary>
    /// <param name="error">The refusal.</param>
    /// <param name="transferId">For transfers: the transfer id, so that the client can look the record up.</param>
    public static ProblemHttpResult Refused(LedgerError error, Guid? transferId = null)
    {
        var (status, type, title) = error.Code switch
        {
            LedgerErrorCode.AccountNotFound => (404, ProblemTypes.AccountNotFound, "Account not found."),
            LedgerErrorCode.CurrencyMismatch => (422, ProblemTypes.CurrencyMismatch, "The accounts hold different currencies."),
            LedgerErrorCode.InsufficientFunds => (409, ProblemTypes.InsufficientFunds, "Insufficient funds."),
            LedgerErrorCode.BalanceLimitExceeded => (409, ProblemTypes.BalanceLimitExceeded, "Balance limit exceeded."),
            _ => (400, ProblemTypes.Validation, "The request is not valid."),
        };
        var extensions = new Dictionary<string, object?> { ["field"] = error.Field, ["code"] = CodeName(error.Code) };
        if (transferId is { } id)
        {
            extensions["transferId"] = id;
        }

        return TypedResults.Problem(error.Detail, statusCode: status, title: title, type: type, extensions: extensions);
    }

    /// <summary>404 for an unknown account.</summary>
    public static ProblemHttpResult AccountNotFound(Guid accountId, string field = "accountId")
        => Refused(new LedgerError(LedgerErrorCode.AccountNotFound, field, $"Account {accountId} does not exist."));

    /// <summary>404 for an unknown transfer.</summary>
    public static ProblemHttpResult TransferNotFound(string field, string detail)
        => TypedResults.Problem(detail, statusCode: 404, title: "Transfer not found.", type: ProblemTypes.TransferNotFound,
            extensions: new Dictionary<string, object?> { ["field"] = field });

    /// <summary>400 for a missing or malformed <c>Idempotency-Key</c> header.</summary>
    public static ProblemHttpResult IdempotencyKeyInvalid(string detail)
        => TypedResults.Problem(detail, statusCode: 400, title: "Missing or malformed Idempotency-Key header.", type: ProblemTypes.IdempotencyKeyInvalid,
            extensions: new Dictionary<string, object?> { ["field"] = IdempotencyKey.HeaderName });

    /// <summary>409: the same key is executing.</summary>
    public static ProblemHttpResult InFlight(string? detail)
        => TypedResults.Problem(detail, statusCode: 409, title: "A request with this idempotency key is in flight.", type: ProblemTypes.IdempotencyKeyInFlight,
            extensions: new Dictionary<string, object?> { ["field"] = IdempotencyKey.HeaderName });

    /// <summary>422: the key was used with another request.</summary>
    public static ProblemHttpResult KeyReused(string? detail)
        => TypedResults.Problem(detail, statusCode: 422, title: "The idempotency key was used with a different request.", type: ProblemTypes.IdempotencyKeyReused,
            extensions: new Dictionary<string, object?> { ["field"] = IdempotencyKey.HeaderName });

    /// <summary>503: accepted, outcome unknown.</summary>
    public static ProblemHttpResult OutcomeUnknown(string? detail)
        => TypedResults.Problem(detail, statusCode: 503, title: "The outcome of the operation is unknown.", type: ProblemTypes.OutcomeUnknown);

    /// <summary>503: nothing applied.</summary>
    public static ProblemHttpResult Unavailable(string? detail)
        => TypedResults.Problem(detail, statusCode: 503, title: "The service is unavailable; nothing was applied.", type: ProblemTypes.ServiceUnavailable);

    private static string CodeName(LedgerErrorCode code) => code switch
    {
        LedgerErrorCode.AccountNotFound => "accountNotFound",
        LedgerErrorCode.CurrencyMismatch => "currencyMismatch",
        LedgerErrorCode.InsufficientFunds => "insufficientFunds",
        LedgerErrorCode.BalanceLimitExceeded => "balanceLimitExceeded",
        LedgerErrorCode.AmountOutOfRange => "amountOutOfRange",
        LedgerErrorCode.SameAccount => "sameAccount",
        _ => "invalidRequest",
    };
}
