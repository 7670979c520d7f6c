namespace MultiCloud.ApiFrontend.Apis;

/// <summary>What every mutating endpoint shares: the idempotency-key check and the problems it can answer.</summary>
internal static class LedgerEndpointConventions
{
    /// <summary>
    /// Requires a valid <c>Idempotency-Key</c> and declares the problems of a recorded operation (404 unknown
    /// account, 409 refusal or in-flight key, 413, 415, 422 mismatch or reused key, 503 unavailable or outcome unknown).
    /// </summary>
    public static RouteHandlerBuilder AsLedgerOperation(this RouteHandlerBuilder endpoint) => endpoint
        .AddEndpointFilter<IdempotencyKeyFilter>()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
