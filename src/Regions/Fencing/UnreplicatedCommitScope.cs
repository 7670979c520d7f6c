using System.Runtime.CompilerServices;

namespace MultiCloud.Regions.Fencing;

/// <summary>
/// Carries, along one storage call's async flow, whether the database warned that a commit "might not have been
/// replicated": PostgreSQL answers a COMMIT whose synchronous-replication wait was cancelled (e.g. by the driver's
/// command timeout, while the primary is cut off from its standby) with success plus that warning. Such a write is
/// on one copy only and may be rewound at failover, so it must never count as written. The database layer reports the
/// warning (<see cref="Report"/>); the ledger's grain storage (<c>LedgerGrainStorage</c>) opens a scope around each write and turns a report
/// into an outcome-unknown failure.
/// </summary>
public static class UnreplicatedCommitScope
{
    private static readonly AsyncLocal<StrongBox<string?>?> Current = new();

    /// <summary>Starts watching the current async flow; the returned box holds the warning, if one is reported.</summary>
    /// <returns>The box to inspect after the call.</returns>
    public static StrongBox<string?> Begin()
    {
        var box = new StrongBox<string?>();
        Current.Value = box;
        return box;
    }

    /// <summary>Stops watching the current async flow.</summary>
    public static void End() => Current.Value = null;

    /// <summary>Records a server warning in the scope of the current flow, if it is one about an unreplicated commit.</summary>
    /// <param name="message">The notice's message text (and detail).</param>
    public static void Report(string message)
    {
        if (IsUnreplicatedCommit(message) && Current.Value is { } box)
        {
            box.Value = message;
        }
    }

    /// <summary>True for PostgreSQL's warning that a commit's synchronous-replication wait was cut short.</summary>
    /// <param name="message">A notice's text.</param>
    public static bool IsUnreplicatedCommit(string? message) => message is not null
        && (message.Contains("might not have been replicated", StringComparison.OrdinalIgnoreCase)
            || message.Contains("wait for synchronous replication", StringComparison.OrdinalIgnoreCase));
}
