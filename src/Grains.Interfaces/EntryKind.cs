using System.Text.Json.Serialization;

namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// What moved money on an account. The sign of <see cref="LedgerEntry.Amount"/> follows from the kind:
/// credits are positive, debits negative.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<EntryKind>))]
public enum EntryKind
{
    /// <summary>Money paid in from outside the ledger (credit).</summary>
    [JsonStringEnumMemberName("deposit")]
    Deposit = 1,

    /// <summary>Money paid out of the ledger (debit).</summary>
    [JsonStringEnumMemberName("withdrawal")]
    Withdrawal = 2,

    /// <summary>The debit side of a transfer, on the source account.</summary>
    [JsonStringEnumMemberName("transferOut")]
    TransferOut = 3,

    /// <summary>The credit side of a transfer, on the destination account.</summary>
    [JsonStringEnumMemberName("transferIn")]
    TransferIn = 4,

    /// <summary>
    /// A credit on the source account that undoes a <see cref="TransferOut"/> whose credit side was refused
    /// (the destination would exceed its balance limit). The transfer then ends <see cref="TransferStatus.Rejected"/>.
    /// </summary>
    [JsonStringEnumMemberName("transferReversal")]
    TransferReversal = 5,
}
