namespace MultiCloud.Grains.Interfaces;

/// <summary>Credit money paid in from outside the ledger.</summary>
/// <param name="AccountId">The account to credit.</param>
/// <param name="Amount">Minor currency units, 1 to the configured per-operation maximum.</param>
[GenerateSerializer, Immutable]
public sealed record DepositCommand(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] long Amount) : LedgerCommand;
