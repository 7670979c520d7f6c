using System.Text.Json.Serialization;

namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// Why the ledger refused an operation. A refused operation changed nothing (a transfer refused after its debit
/// was reversed has two entries on the source account that cancel out).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<LedgerErrorCode>))]
public enum LedgerErrorCode
{
    /// <summary>An account named by the request does not exist.</summary>
    [JsonStringEnumMemberName("accountNotFound")]
    AccountNotFound = 1,

    /// <summary>The two accounts of a transfer hold different currencies.</summary>
    [JsonStringEnumMemberName("currencyMismatch")]
    CurrencyMismatch = 2,

    /// <summary>The account's balance is smaller than the amount to debit.</summary>
    [JsonStringEnumMemberName("insufficientFunds")]
    InsufficientFunds = 3,

    /// <summary>The credit would take the account above the configured balance limit.</summary>
    [JsonStringEnumMemberName("balanceLimitExceeded")]
    BalanceLimitExceeded = 4,

    /// <summary>The amount is not within 1 and the configured per-operation maximum.</summary>
    [JsonStringEnumMemberName("amountOutOfRange")]
    AmountOutOfRange = 5,

    /// <summary>Source and destination of a transfer are the same account.</summary>
    [JsonStringEnumMemberName("sameAccount")]
    SameAccount = 6,

    /// <summary>The request is not valid for another reason named in the detail.</summary>
    [JsonStringEnumMemberName("invalidRequest")]
    InvalidRequest = 7,
}
