namespace MultiCloud.Grains.Interfaces;

/// <summary>Debit money paid out of the ledger; refused when the balance is smaller than the amount.</summary>
/// <param name="AccountId">The account to debit.</param>
/// <param name="Amount">Minor currency units, 1 to the configured per-operation maximum.</param>
[GenerateSerializer, Immutable]
public sealed record WithdrawCommand(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] long Amount) : LedgerCommand;
