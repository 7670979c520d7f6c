namespace MultiCloud.RegionsRig;

/// <summary>
/// The outcome of one fault drill. Times are seconds from the moment the fault was injected; null when the event did
/// not happen in that drill.
/// </summary>
/// <param name="Fault">The fault.</param>
/// <param name="FaultedRegion">The region the fault hit (for faults on "the primary": the region leading then).</param>
/// <param name="WritableAgainSeconds">First acknowledged write begun after the fault.</param>
/// <param name="LastAckBeforeSeconds">Last acknowledged write before the fault (negative or zero).</param>
/// <param name="LongestGapSeconds">The longest time without any acknowledged write, from the fault to the end: the write outage.</param>
/// <param name="HealedSeconds">When the fault was undone.</param>
/// <param name="StableSeconds">When the cluster was healthy again in three consecutive readings.</param>
/// <param name="RejoinedSeconds">For a lost region: when it was a streaming synchronous standby again (after the heal).</param>
/// <param name="SwitchoverSeconds">For a lost region: how long the planned switchover back to it took, from the request to the first write acknowledged by it.</param>
/// <param name="ExposedSeconds">How long the primary ran without a synchronous standby (RPO exposure window).</param>
/// <param name="LeaderAfter">The region leading at the end.</param>
/// <param name="Check">What the SQL-level checker found.</param>
/// <param name="Timeline">The drill's events, in order.</param>
public sealed record DrillReport(
    FaultKind Fault,
    string FaultedRegion,
    double? WritableAgainSeconds,
    double? LastAckBeforeSeconds,
    double LongestGapSeconds,
    double? HealedSeconds,
    double StableSeconds,
    double? RejoinedSeconds,
    double? SwitchoverSeconds,
    double ExposedSeconds,
    string LeaderAfter,
    CheckResult Check,
    IReadOnlyList<DrillEvent> Timeline)
{
    /// <summary>Writes begun after the fault whose outcome was not an acknowledgement (failed or unknown): the outage's evidence.</summary>
    public int FailedWritesAfterFault { get; init; }

    /// <summary>
    /// True when every invariant held and, for a fault that must cause an outage (<see cref="FaultExpectations.ExpectsOutage"/>),
    /// some write failed after it: a drill in which such a fault failed nothing did not test what it claims.
    /// </summary>
    public bool Passed => Check.Violations.Count == 0 && (FailedWritesAfterFault > 0 || !FaultExpectations.ExpectsOutage(Fault));

    /// <summary>One line on the outage: how many writes failed, "no outage (harmless)", or why the drill failed on it.</summary>
    public string OutageVerdict => FailedWritesAfterFault > 0
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{FailedWritesAfterFault} writes failed after the fault")
        : FaultExpectations.ExpectsOutage(Fault) ? $"NO OUTAGE: no write failed after {Fault}, which must cause one; the fault did not land where it mattered" : "no outage (documented as harmless)";
}

/// <summary>One event of a drill.</summary>
/// <param name="Seconds">Seconds from the fault (negative before it).</param>
/// <param name="What">What happened.</param>
public sealed record DrillEvent(double Seconds, string What);
