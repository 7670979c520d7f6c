namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// The result of checking the whole ledger: every account's balance equals the sum of its entries and its entries are
/// numbered 1..n without gaps; every completed transfer has exactly its debit and its credit, every rejected one nets
/// to zero, and money is conserved per currency.
/// </summary>
/// <param name="CheckedAt">When the check ran (UTC).</param>
/// <param name="Accounts">Accounts checked.</param>
/// <param name="Entries">Entries checked.</param>
/// <param name="Transfers">Transfers checked.</param>
/// <param name="PendingTransfers">Transfers still pending (their money is counted as in flight).</param>
/// <param name="Currencies">Totals per currency.</param>
/// <param name="Issues">Every difference found; empty when the ledger is consistent.</param>
[GenerateSerializer, Immutable]
public sealed record ReconciliationReport(
    [property: Id(0)] DateTimeOffset CheckedAt,
    [property: Id(1)] long Accounts,
    [property: Id(2)] long Entries,
    [property: Id(3)] long Transfers,
    [property: Id(4)] long PendingTransfers,
    [property: Id(5)] IReadOnlyList<CurrencyTotals> Currencies,
    [property: Id(6)] IReadOnlyList<ReconciliationIssue> Issues)
{
    /// <summary>True when no issue was found.</summary>
    public bool IsConsistent => Issues.Count == 0;
}
