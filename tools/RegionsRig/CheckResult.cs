namespace MultiCloud.RegionsRig;

/// <summary>What the SQL-level checker found after a fault healed.</summary>
/// <param name="Attempted">Inserts attempted by all writers.</param>
/// <param name="Acknowledged">Inserts whose commit was acknowledged.</param>
/// <param name="Failed">Inserts answered with a definite failure.</param>
/// <param name="Unknown">Inserts whose outcome was unknown (including a writer killed mid-attempt).</param>
/// <param name="UnknownApplied">Of the unknown ones, how many turned out to be committed.</param>
/// <param name="AcknowledgedLost">Acknowledged rows missing from the final primary (must be 0).</param>
/// <param name="FailedApplied">Rows answered with a definite failure that are present (must be 0).</param>
/// <param name="PrimaryRows">Rows on the final primary.</param>
/// <param name="StandbyRows">Rows on the standby once it replayed everything.</param>
/// <param name="Diverged">Rows on one copy and not the other (must be 0).</param>
/// <param name="UnreplicatedCommits">Unknown outcomes whose synchronous-replication wait was cancelled ("committed locally, but might not have been replicated").</param>
/// <param name="UnreplicatedCommitsApplied">Of those, how many rows are on the final primary.</param>
/// <param name="Violations">Every invariant that does not hold; empty when all hold.</param>
public sealed record CheckResult(
    int Attempted, int Acknowledged, int Failed, int Unknown, int UnknownApplied, int AcknowledgedLost, int FailedApplied,
    int PrimaryRows, int StandbyRows, int Diverged, int UnreplicatedCommits, int UnreplicatedCommitsApplied, IReadOnlyList<string> Violations);
