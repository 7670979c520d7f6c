namespace MultiCloud.Grains.ReadModel;

/// <summary>Everything <see cref="Reconciler"/> needs, read in one pass.</summary>
/// <param name="Accounts">One aggregate per account.</param>
/// <param name="Transfers">One aggregate per transfer record or per transfer id found on entries.</param>
public sealed record LedgerAggregates(
    IReadOnlyList<AccountAggregate> Accounts,
    IReadOnlyList<TransferAggregate> Transfers);
