using System.ComponentModel.DataAnnotations;

namespace MultiCloud.Regions.Fencing;

/// <summary>
/// Whether reads of the ledger's rows (history, transfer lookups, reconciliation) answer only what the synchronous
/// standby already holds, bound from <c>Regions:ReplicationFence</c>.
/// </summary>
public sealed class ReplicationFenceOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Regions:ReplicationFence";

    /// <summary>
    /// When true (default), history, transfer lookups and reconciliation answer only rows the synchronous standby
    /// already holds (script 0007, <c>ledger.replicated_up_to</c>); otherwise 503. A primary cut off from its standby
    /// can show a commit whose replication wait was cancelled, and failover would then lose it.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a read waits for the synchronous standby to flush past what it read (normally one round trip between
    /// the regions) before it is refused. Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Regions:ReplicationFence:Wait must be between 0 and 1 minute.")]
    public TimeSpan Wait { get; set; } = TimeSpan.FromSeconds(1);
}
