using Orleans.Concurrency;

namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// The scheduled job of the ledger, driven by a durable reminder: resumes operations left pending by a crash and
/// purges idempotency records older than their retention. Use key 0.
/// </summary>
public interface ILedgerMaintenanceGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Registers the reminder if it is missing or its period differs from <c>Ledger:MaintenancePeriod</c>; an existing
    /// reminder keeps its schedule (every silo calls this at start-up, and re-registering would push the next pass one
    /// full period away at every restart).
    /// </summary>
    Task EnsureScheduledAsync();

    /// <summary>
    /// Recovery soon, without waiting for the reminder: one pass now (operations already stalled) and one once
    /// operations interrupted now count as stalled (<c>Ledger:StalledOperationAge</c> from now, plus 1 s). Called at
    /// every silo start, whenever a silo is declared dead and whenever the database primary moves to another region;
    /// each activation of this grain also asks itself once. Requests while passes are pending wake the loop for a pass
    /// now and move the last one later instead of adding more. A pass that fails is retried until it succeeds (1 s,
    /// doubling up to 5 s, on the ledger's clock); one that leaves stalled operations pending is retried 4 times, then
    /// left to the reminder.
    /// </summary>
    Task RecoverSoonAsync();

    /// <summary>Prompt recovery so far (this activation): requests, passes, the next pass due.</summary>
    [ReadOnly]
    Task<RecoveryStatus> GetRecoveryStatusAsync();

    /// <summary>Runs one pass now and returns what it did.</summary>
    /// <exception cref="StorageUnavailableException">The read model could not be queried.</exception>
    Task<MaintenanceReport> RunOnceAsync();
}
