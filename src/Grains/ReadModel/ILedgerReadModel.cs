using MultiCloud.Grains.Interfaces;

namespace MultiCloud.Grains.ReadModel;

/// <summary>
/// The ledger's queryable rows: entries, transfers and operations as projected from the grain states
/// (PostgreSQL tables, or in process for the embedded default). Every row is written in the same storage write as the
/// grain state it comes from, so what is here is exactly what the grains have durably stored.
/// </summary>
public interface ILedgerReadModel
{
    /// <summary>What backs this read model: <c>postgresql</c> or <c>memory</c>.</summary>
    string StorageName { get; }

    /// <summary>Finds the entry a posting already made, or null.</summary>
    /// <exception cref="StorageUnavailableException">The query failed.</exception>
    Task<LedgerEntry?> FindEntryAsync(Guid accountId, Guid operationId, EntryKind kind, CancellationToken cancellationToken);

    /// <summary>Returns up to <paramref name="limit"/> entries with sequence &gt; <paramref name="afterSequence"/>, oldest first.</summary>
    /// <exception cref="StorageUnavailableException">The query failed.</exception>
    Task<EntryPage> GetEntriesAsync(Guid accountId, long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>Returns a transfer by id, or null.</summary>
    /// <exception cref="StorageUnavailableException">The query failed.</exception>
    Task<TransferSnapshot?> GetTransferAsync(Guid transferId, CancellationToken cancellationToken);

    /// <summary>Returns the transfer requested under an idempotency key, or null.</summary>
    /// <exception cref="StorageUnavailableException">The query failed.</exception>
    Task<TransferSnapshot?> FindTransferByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Idempotency keys of operations not completed and created before <paramref name="createdBefore"/>, oldest first.</summary>
    /// <exception cref="StorageUnavailableException">The query failed.</exception>
    Task<IReadOnlyList<string>> FindStalledOperationsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken);

    /// <summary>Idempotency keys of operations completed before <paramref name="completedBefore"/>, oldest first.</summary>
    /// <exception cref="StorageUnavailableException">The query failed.</exception>
    Task<IReadOnlyList<string>> FindExpiredOperationsAsync(DateTimeOffset completedBefore, int limit, CancellationToken cancellationToken);

    /// <summary>Per-account and per-transfer aggregates for <see cref="Reconciler"/>.</summary>
    /// <exception cref="StorageUnavailableException">The query failed.</exception>
    Task<LedgerAggregates> GetAggregatesAsync(CancellationToken cancellationToken);

    /// <summary>Round trip to the storage (for readiness).</summary>
    /// <exception cref="StorageUnavailableException">The storage did not answer.</exception>
    Task ProbeAsync(CancellationToken cancellationToken);
}
