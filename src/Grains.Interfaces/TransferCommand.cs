namespace MultiCloud.Grains.Interfaces;

/// <summary>Move money between two accounts of the same currency; the transfer id is the operation id.</summary>
/// <param name="FromAccountId">The account to debit.</param>
/// <param name="ToAccountId">The account to credit; must differ from <paramref name="FromAccountId"/>.</param>
/// <param name="Amount">Minor currency units, 1 to the configured per-operation maximum.</param>
[GenerateSerializer, Immutable]
public sealed record TransferCommand(
    [property: Id(0)] Guid FromAccountId,
    [property: Id(1)] Guid ToAccountId,
    [property: Id(2)] long Amount) : LedgerCommand;
