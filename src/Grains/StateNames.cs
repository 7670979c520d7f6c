namespace MultiCloud.Grains;

/// <summary>
/// Names shared by the grains and the storage schema. The state names are the <c>GrainTypeString</c> the ADO.NET
/// provider writes, and the PostgreSQL write function projects these two states into the ledger's own tables:
/// renaming one is a schema change.
/// </summary>
public static class StateNames
{
    /// <summary>The grain storage provider the ledger grains use (a decorator over <see cref="InnerStorageProvider"/>).</summary>
    public const string StorageProvider = "ledger";

    /// <summary>The real storage provider: ADO.NET on PostgreSQL, or memory in the embedded default.</summary>
    public const string InnerStorageProvider = "ledger-store";

    /// <summary>State name of <see cref="AccountGrain"/>.</summary>
    public const string Account = "ledger-account";

    /// <summary>State name of <see cref="LedgerOperationGrain"/>.</summary>
    public const string Operation = "ledger-operation";

    /// <summary>Name of the maintenance reminder.</summary>
    public const string MaintenanceReminder = "ledger-maintenance";
}
