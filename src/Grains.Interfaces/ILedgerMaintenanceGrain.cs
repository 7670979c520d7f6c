namespace MultiCloud.Grains.Interfaces;

/// <summary>
/// The scheduled job of the ledger, driven by a durable reminder: resumes operations left pending by a crash and
/// purges idempotency records older than their retention. Use key 0.
/// </summary>
public interface ILedgerMaintenanceGrain : IGrainWithIntegerKey
{
    /// <summary>Registers the reminder if it is not registered yet (idempotent; every silo calls it at start-up).</summary>
    Task EnsureScheduledAsync();

    /// <summary>Runs one pass now and returns what it did.</summary>
    /// <exception cref="StorageUnavailableException">The read model could not be queried.</exception>
    Task<MaintenanceReport> RunOnceAsync();
}
