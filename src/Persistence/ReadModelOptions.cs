using System.ComponentModel.DataAnnotations;

namespace MultiCloud.Persistence;

/// <summary>How the PostgreSQL read model confirms what it answers, bound from <c>Database:ReadModel</c>.</summary>
public sealed class ReadModelOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Database:ReadModel";

    /// <summary>
    /// When true (default), history, transfer lookups and reconciliation answer only rows the synchronous standby
    /// already holds (script 0007, <c>ledger.replicated_up_to</c>); otherwise 503. A primary cut off from its standby
    /// can show a commit whose replication wait was cancelled, and failover would then lose it.
    /// </summary>
    public bool ConfirmReplicated { get; set; } = true;

    /// <summary>
    /// Milliseconds a read waits for the synchronous standby to flush past what it read (normally one round trip
    /// between the regions) before it is refused. Default 1,000 ms.
    /// </summary>
    [Range(0, 60_000)]
    public int ReplicationWaitMs { get; set; } = 1_000;
}
