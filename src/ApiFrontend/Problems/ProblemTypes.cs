namespace MultiCloud.ApiFrontend.Problems;

/// <summary>
/// The <c>type</c> URIs of the API's problem details (RFC 9457). They are tag URIs (RFC 4151): stable identifiers
/// to switch on, documented in docs/api.md, not links.
/// </summary>
public static class ProblemTypes
{
    private const string Prefix = "tag:multicloud.ledger,2026:problem:";

    /// <summary>400: the request is malformed or a field breaks a rule; <c>errors</c> names every field at fault.</summary>
    public const string Validation = Prefix + "validation";

    /// <summary>400: the <c>Idempotency-Key</c> header is missing or malformed.</summary>
    public const string IdempotencyKeyInvalid = Prefix + "idempotency-key-invalid";

    /// <summary>409: a request with the same idempotency key is still executing; retry after <c>Retry-After</c>.</summary>
    public const string IdempotencyKeyInFlight = Prefix + "idempotency-key-in-flight";

    /// <summary>422: the idempotency key was used before with a different request.</summary>
    public const string IdempotencyKeyReused = Prefix + "idempotency-key-reused";

    /// <summary>404: an account named by the request does not exist.</summary>
    public const string AccountNotFound = Prefix + "account-not-found";

    /// <summary>404: no transfer with that id or idempotency key.</summary>
    public const string TransferNotFound = Prefix + "transfer-not-found";

    /// <summary>422: the two accounts of a transfer hold different currencies.</summary>
    public const string CurrencyMismatch = Prefix + "currency-mismatch";

    /// <summary>409: the balance is smaller than the amount.</summary>
    public const string InsufficientFunds = Prefix + "insufficient-funds";

    /// <summary>409: the credit would exceed the account's balance limit.</summary>
    public const string BalanceLimitExceeded = Prefix + "balance-limit-exceeded";

    /// <summary>413: the request body is larger than allowed.</summary>
    public const string BodyTooLarge = Prefix + "body-too-large";

    /// <summary>415: the request body is not JSON.</summary>
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";

    /// <summary>
    /// 503: the operation was accepted but its outcome is unknown (a silo or storage failed mid-way). It is neither
    /// success nor failure: retry with the same idempotency key, or look the transfer up, to learn the outcome.
    /// </summary>
    public const string OutcomeUnknown = Prefix + "outcome-unknown";

    /// <summary>503: the cluster or its storage is unavailable; nothing was applied. Safe to retry.</summary>
    public const string ServiceUnavailable = Prefix + "service-unavailable";

    /// <summary>
    /// 503: this region's cluster does not serve while the database primary is in another region (one cluster per
    /// region); nothing was applied. <c>primaryRegion</c> names the region to send the request to.
    /// </summary>
    public const string RegionNotPrimary = Prefix + "region-not-primary";

    /// <summary>500: an unexpected error.</summary>
    public const string Internal = Prefix + "internal";
}
