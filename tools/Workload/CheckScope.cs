namespace MultiCloud.Workload;

/// <summary>What the money invariants are checked against.</summary>
/// <param name="Accounts">The workload's accounts (its own; other accounts in the ledger are not checked).</param>
/// <param name="FundedTotal">The money the workload put into them (minor units); conservation compares to it.</param>
/// <param name="UnknownsRetried">Whether the caller retried every unknown outcome with its key (recorded as <c>retry</c>
/// events), so each must have a definite answer consistent with the ledger. False for plain SQL inserts, which have no
/// key to retry with.</param>
public sealed record CheckScope(IReadOnlyCollection<Guid> Accounts, long FundedTotal, bool UnknownsRetried = true)
{
    /// <summary>For plain rows (the SQL drill): no accounts, nothing funded, unknown outcomes not retried.</summary>
    public static CheckScope Rows { get; } = new([], 0, UnknownsRetried: false);
}
