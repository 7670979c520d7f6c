namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// The names of the rules reconciliation checks (<see cref="ReconciliationIssue.Invariant"/>): stable strings an
/// operator can alert on and a test can assert.
/// </summary>
public static class ReconciliationInvariant
{
    /// <summary>An account's balance equals the sum of its entries.</summary>
    public const string BalanceEqualsEntries = "balance-equals-entries";

    /// <summary>No account's balance is negative.</summary>
    public const string NonNegativeBalance = "non-negative-balance";

    /// <summary>An account's entries are numbered 1..n without gaps, n being its last sequence.</summary>
    public const string EntriesContiguous = "entries-contiguous";

    /// <summary>Every transfer entry belongs to a recorded transfer.</summary>
    public const string TransferRecorded = "transfer-recorded";

    /// <summary>A completed transfer has exactly one debit and one credit of its amount, and no reversal.</summary>
    public const string CompletedTransferPostedOnce = "completed-transfer-posted-once";

    /// <summary>A rejected transfer has no credit and nets to zero (any debit reversed).</summary>
    public const string RejectedTransferMovedNothing = "rejected-transfer-moved-nothing";

    /// <summary>A pending transfer has at most one entry per side and never more than its amount in flight.</summary>
    public const string PendingTransferWithinAmount = "pending-transfer-within-amount";

    /// <summary>Per currency, balances equal deposits minus withdrawals minus money in flight.</summary>
    public const string MoneyConserved = "money-conserved";
}
