namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// The final result of a ledger operation, stored with it so that every retry under the same idempotency key gets
/// the same answer. Exactly one of <see cref="Error"/>, <see cref="Account"/>, <see cref="Entry"/> and
/// <see cref="Transfer"/> is set, except for a rejected transfer, which carries both the error and the transfer.
/// </summary>
/// <param name="OperationId">The operation id: the new account's id, the posted entry's operation id, or the transfer id.</param>
/// <param name="Error">Set when the ledger refused the operation.</param>
/// <param name="Account">For an account opening: the new account.</param>
/// <param name="Entry">For a deposit or withdrawal: the posted entry (its <c>BalanceAfter</c> is the new balance).</param>
/// <param name="Transfer">For a transfer: the transfer record.</param>
[GenerateSerializer, Immutable]
public sealed record LedgerOperationResult(
    [property: Id(0)] Guid OperationId,
    [property: Id(1)] LedgerError? Error,
    [property: Id(2)] AccountSnapshot? Account,
    [property: Id(3)] LedgerEntry? Entry,
    [property: Id(4)] TransferSnapshot? Transfer);
