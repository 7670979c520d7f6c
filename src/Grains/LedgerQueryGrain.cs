using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Grains.ReadModel;
using Orleans.Concurrency;

namespace MultiCloud.Grains;

/// <summary>Serves reads of the read model on the silo that receives them (a stateless worker: no placement, no state).</summary>
/// <param name="readModel">The read model.</param>
/// <param name="timeProvider">Clock for reports.</param>
[StatelessWorker]
public sealed class LedgerQueryGrain(ILedgerReadModel readModel, [FromKeyedServices(LedgerTime.Key)] TimeProvider timeProvider) : Grain, ILedgerQueryGrain
{
    /// <inheritdoc />
    public Task<EntryPage> GetEntriesAsync(Guid accountId, long afterSequence, int limit, CancellationToken cancellationToken = default)
        => readModel.GetEntriesAsync(accountId, afterSequence, limit, cancellationToken);

    /// <inheritdoc />
    public Task<TransferSnapshot?> GetTransferAsync(Guid transferId, CancellationToken cancellationToken = default)
        => readModel.GetTransferAsync(transferId, cancellationToken);

    /// <inheritdoc />
    public Task<TransferSnapshot?> FindTransferByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default)
        => readModel.FindTransferByIdempotencyKeyAsync(idempotencyKey, cancellationToken);

    /// <inheritdoc />
    public async Task<ReconciliationReport> ReconcileAsync(CancellationToken cancellationToken = default)
        => Reconciler.Reconcile(await readModel.GetAggregatesAsync(cancellationToken), timeProvider.GetUtcNow());

    /// <inheritdoc />
    public async Task<StorageHealth> CheckStorageAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await readModel.ProbeAsync(cancellationToken);
            return new StorageHealth(true, readModel.StorageName, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
        }
        catch (StorageUnavailableException exception)
        {
            return new StorageHealth(false, readModel.StorageName, Stopwatch.GetElapsedTime(started).TotalMilliseconds, exception.Message);
        }
    }
}
