using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Grains.ReadModel;
using MultiCloud.Regions.Placement;
using MultiCloud.Regions.Primary;
using Orleans.Concurrency;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace MultiCloud.Grains;

/// <summary>Serves reads of the read model on the silo that receives them (a stateless worker: no placement, no state).</summary>
/// <param name="readModel">The read model.</param>
/// <param name="timeProvider">Clock for reports.</param>
/// <param name="primary">Where the database primary is (placement report).</param>
/// <param name="metadata">Silo metadata (regions, placement report).</param>
[StatelessWorker]
public sealed class LedgerQueryGrain(
    ILedgerReadModel readModel,
    [FromKeyedServices(LedgerTime.Key)] TimeProvider timeProvider,
    IPrimaryRegionSource primary,
    ISiloMetadataCache metadata) : Grain, ILedgerQueryGrain
{
    private static readonly string AccountType = typeof(AccountGrain).FullName!;
    private static readonly string OperationType = typeof(LedgerOperationGrain).FullName!;

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
    public async Task<PlacementReport> GetPlacementAsync(CancellationToken cancellationToken = default)
    {
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false, cancellationToken);
        var statistics = await management.GetSimpleGrainStatistics(cancellationToken);
        var silos = hosts
            .Where(h => h.Status != SiloStatus.Dead)
            .OrderBy(h => h.SiloAddress.ToString(), StringComparer.Ordinal)
            .Select(h => new SiloPlacement(
                h.SiloAddress.ToParsableString(),
                h.SiloName,
                metadata.GetSiloMetadata(h.SiloAddress).Metadata.GetValueOrDefault(PrimaryRegion.MetadataKey),
                h.Status.ToString(),
                Count(statistics, h.SiloAddress, AccountType),
                Count(statistics, h.SiloAddress, OperationType)))
            .ToArray();
        return new PlacementReport(primary.Current.Region, RuntimeIdentity, silos);
    }

    private static int Count(SimpleGrainStatistic[] statistics, SiloAddress silo, string grainClass)
        => statistics.Where(s => s.SiloAddress.Equals(silo) && s.GrainType.Contains(grainClass, StringComparison.Ordinal)).Sum(s => s.ActivationCount);

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
