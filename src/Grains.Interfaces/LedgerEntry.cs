namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// One append-only ledger entry. Entries of an account are numbered 1, 2, 3, ... without gaps, and the sum of their
/// <see cref="Amount"/> equals the account's balance.
/// </summary>
/// <param name="AccountId">The account the entry belongs to.</param>
/// <param name="Sequence">Per-account sequence number, starting at 1.</param>
/// <param name="OperationId">The ledger operation that posted it (for transfers, the transfer id).</param>
/// <param name="Kind">What moved the money.</param>
/// <param name="Amount">Signed amount in minor currency units: positive for credits, negative for debits.</param>
/// <param name="BalanceAfter">The account balance after this entry, in minor currency units.</param>
/// <param name="CounterpartyAccountId">For transfer entries, the other account; otherwise null.</param>
/// <param name="RecordedAt">When the owning account grain recorded the entry (silo clock, UTC).</param>
[GenerateSerializer, Immutable]
public sealed record LedgerEntry(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] Guid OperationId,
    [property: Id(3)] EntryKind Kind,
    [property: Id(4)] long Amount,
    [property: Id(5)] long BalanceAfter,
    [property: Id(6)] Guid? CounterpartyAccountId,
    [property: Id(7)] DateTimeOffset RecordedAt);
