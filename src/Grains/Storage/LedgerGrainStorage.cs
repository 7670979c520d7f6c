using Microsoft.Extensions.Logging;
using MultiCloud.Grains.Diagnostics;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Regions.Fencing;
using Orleans.Storage;

namespace MultiCloud.Grains.Storage;

/// <summary>
/// The ledger's grain storage: the real provider (ADO.NET or memory) with two duties added. Driver exceptions become
/// <see cref="StorageUnavailableException"/> (serializable across grain calls), and ETag conflicts are counted and
/// logged, then rethrown unchanged: a conflict is never swallowed. After a successful write the in-process projection
/// runs (a no-op on PostgreSQL).
/// </summary>
/// <param name="inner">The real storage provider.</param>
/// <param name="projection">Keeps the queryable rows in step.</param>
/// <param name="metrics">Ledger metrics.</param>
/// <param name="logger">Logger.</param>
public sealed partial class LedgerGrainStorage(
    IGrainStorage inner,
    ILedgerProjection projection,
    LedgerMetrics metrics,
    ILogger<LedgerGrainStorage> logger) : IGrainStorage
{
    /// <inheritdoc />
    /// <exception cref="StorageUnavailableException">The read failed; nothing changed.</exception>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.ReadStateAsync(stateName, grainId, grainState);
        }
        catch (Exception exception)
        {
            throw Unavailable("read", stateName, grainId, exception, outcomeUnknown: false);
        }
    }

    /// <inheritdoc />
    /// <exception cref="InconsistentStateException">The stored version differs from the grain's ETag: another activation wrote.</exception>
    /// <exception cref="StorageUnavailableException">The write failed; it may have committed (outcome unknown).</exception>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var unreplicated = UnreplicatedCommitScope.Begin();
        try
        {
            await inner.WriteStateAsync(stateName, grainId, grainState);
        }
        catch (InconsistentStateException exception)
        {
            metrics.RecordStorageConflict(stateName);
            LogWarningConflict(stateName, grainId, grainState.ETag, exception.Message);
            throw;
        }
        catch (Exception exception)
        {
            throw Unavailable("write", stateName, grainId, exception, outcomeUnknown: true);
        }
        finally
        {
            UnreplicatedCommitScope.End();
        }

        if (unreplicated.Value is { } warning)
        {
            // Committed on this primary only: it may be rewound at failover, so it is not a write the caller may rely on.
            throw Unavailable("write", stateName, grainId, new InvalidOperationException(warning), outcomeUnknown: true);
        }

        projection.OnWritten(stateName, grainState.State);
    }

    /// <inheritdoc />
    /// <exception cref="InconsistentStateException">The stored version differs from the grain's ETag.</exception>
    /// <exception cref="StorageUnavailableException">The clear failed; it may have committed (outcome unknown).</exception>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var before = grainState.State;
        try
        {
            await inner.ClearStateAsync(stateName, grainId, grainState);
        }
        catch (InconsistentStateException exception)
        {
            metrics.RecordStorageConflict(stateName);
            LogWarningConflict(stateName, grainId, grainState.ETag, exception.Message);
            throw;
        }
        catch (Exception exception)
        {
            throw Unavailable("clear", stateName, grainId, exception, outcomeUnknown: true);
        }

        projection.OnCleared(stateName, before);
    }

    private StorageUnavailableException Unavailable(string operation, string stateName, GrainId grainId, Exception exception, bool outcomeUnknown)
    {
        metrics.RecordStorageFailure(operation);
        LogWarningStorageFailure(exception, operation, stateName, grainId);
        return new StorageUnavailableException($"Storage {operation} of {stateName} {grainId} failed", exception)
        {
            OutcomeUnknown = outcomeUnknown,
        };
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning,
        Message = "ETag conflict writing {StateName} of {GrainId} (ETag {ETag}): another activation wrote first. {Detail}")]
    private partial void LogWarningConflict(string stateName, GrainId grainId, string? eTag, string detail);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning,
        Message = "Storage {Operation} of {StateName} {GrainId} failed")]
    private partial void LogWarningStorageFailure(Exception exception, string operation, string stateName, GrainId grainId);
}
