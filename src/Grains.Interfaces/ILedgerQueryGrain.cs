namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// Reads of the ledger's queryable rows (entries, transfers, reconciliation), served by a stateless worker on every
/// silo so that a front end needs no database access of its own. Use key 0.
/// </summary>
public interface ILedgerQueryGrain : IGrainWithIntegerKey
{
    /// <summary>Returns up to <paramref name="limit"/> entries of an account with sequence &gt; <paramref name="afterSequence"/>.</summary>
    /// <exception cref="StorageUnavailableException">The read model could not be queried.</exception>
    Task<EntryPage> GetEntriesAsync(Guid accountId, long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>Returns a transfer by id, or null when there is none.</summary>
    /// <exception cref="StorageUnavailableException">The read model could not be queried.</exception>
    Task<TransferSnapshot?> GetTransferAsync(Guid transferId, CancellationToken cancellationToken = default);

    /// <summary>Returns the transfer requested with this idempotency key, or null when there is none.</summary>
    /// <exception cref="StorageUnavailableException">The read model could not be queried.</exception>
    Task<TransferSnapshot?> FindTransferByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Checks every account and transfer; see <see cref="ReconciliationReport"/>.</summary>
    /// <exception cref="StorageUnavailableException">The read model could not be queried.</exception>
    Task<ReconciliationReport> ReconcileAsync(CancellationToken cancellationToken = default);

    /// <summary>Reports the cluster's silos, their regions and their ledger activations, and where the primary is.</summary>
    /// <exception cref="OrleansException">The management grain did not answer (e.g. during a membership change).</exception>
    Task<PlacementReport> GetPlacementAsync(CancellationToken cancellationToken = default);

    /// <summary>Probes the storage this silo writes to (for readiness).</summary>
    Task<StorageHealth> CheckStorageAsync(CancellationToken cancellationToken = default);
}
