namespace MultiCloud.Workload;

/// <summary>One ledger entry in a <see cref="LedgerSnapshot"/>.</summary>
/// <param name="Account">The account it belongs to.</param>
/// <param name="Sequence">Its number within the account, from 1.</param>
/// <param name="Operation">The operation (transfer id, deposit id, ...) that wrote it.</param>
/// <param name="Kind"><c>deposit</c>, <c>withdrawal</c>, <c>transferOut</c>, <c>transferIn</c> or <c>transferReversal</c>.</param>
/// <param name="Amount">Signed minor units (a debit is negative).</param>
public sealed record SnapshotEntry(Guid Account, long Sequence, Guid Operation, string Kind, long Amount);
