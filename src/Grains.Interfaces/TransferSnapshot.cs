namespace MultiCloud.Grains.Interfaces;

/// <summary>A transfer as recorded by its ledger operation.</summary>
/// <param name="Id">The transfer id (the ledger operation id).</param>
/// <param name="IdempotencyKey">The <c>Idempotency-Key</c> the transfer was requested with.</param>
/// <param name="FromAccountId">The debited account.</param>
/// <param name="ToAccountId">The credited account.</param>
/// <param name="Amount">Amount in minor currency units, &gt; 0.</param>
/// <param name="Currency">ISO 4217 code shared by both accounts; empty when an account was not found.</param>
/// <param name="Status">Pending, completed or rejected.</param>
/// <param name="Failure">Why it was rejected; null otherwise.</param>
/// <param name="CreatedAt">When it was first accepted (UTC).</param>
/// <param name="CompletedAt">When it reached completed or rejected (UTC); null while pending.</param>
[GenerateSerializer, Immutable]
public sealed record TransferSnapshot(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string IdempotencyKey,
    [property: Id(2)] Guid FromAccountId,
    [property: Id(3)] Guid ToAccountId,
    [property: Id(4)] long Amount,
    [property: Id(5)] string Currency,
    [property: Id(6)] TransferStatus Status,
    [property: Id(7)] LedgerError? Failure,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset? CompletedAt);
