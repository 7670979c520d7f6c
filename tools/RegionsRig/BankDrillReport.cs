namespace MultiCloud.RegionsRig;

/// <summary>
/// The outcome of one bank drill: the ledger workload over HTTP in both regions while a fault is injected and healed.
/// Times are seconds from the fault.
/// </summary>
/// <param name="Fault">The fault.</param>
/// <param name="Topology">One cluster across regions, or one per region.</param>
/// <param name="RtoSeconds">See <see cref="BankTimeline"/>: first 5 s window with ≥ 99 % of transfer attempts answered definitely, measured on the clients outside the faulted region for region faults (region B's for a lost or partitioned region A, region A's for a partitioned region B); null if never.</param>
/// <param name="FirstSuccessSeconds">First acknowledged transfer after the first failed attempt.</param>
/// <param name="FailedAttempts">Transfer attempts that failed (503, timeout, connection) after the fault, all clients.</param>
/// <param name="SwitchoverRtoSeconds">For a lost region: the same RTO measured from the planned switchover back to region A.</param>
/// <param name="PlacementAfterFailover">Account activations per region while the promoted primary served (e.g. <c>a=0 b=20</c>).</param>
/// <param name="PlacementAfterFailback">Account activations per region at the end, after fail-back.</param>
/// <param name="EtagConflicts">Storage writes refused for a stale ETag (event 1300) and stale memory found on a fenced re-read (event 1003), counted in the silos' logs: the ETag check catching a second activation or a stale one.</param>
/// <param name="EtagConflictsBySilo">The same, per silo that logged them (silos with none left out).</param>
/// <param name="FalseDeaths">Silos the fault did not target that were declared dead anyway (they stop on their own and the drill's supervisor restarts them): the cost of aggressive membership settings.</param>
/// <param name="SiloPeakRssBytes">Peak resident memory of each silo during the drill, bytes.</param>
/// <param name="Check">What the checker found.</param>
/// <param name="Timeline">Per second from the fault, as plotted (clients outside the faulted region for region faults).</param>
/// <param name="Events">The drill's events.</param>
public sealed record BankDrillReport(
    FaultKind Fault,
    ClusterTopology Topology,
    double? RtoSeconds,
    double? FirstSuccessSeconds,
    int FailedAttempts,
    double? SwitchoverRtoSeconds,
    string? PlacementAfterFailover,
    string? PlacementAfterFailback,
    int EtagConflicts,
    IReadOnlyDictionary<string, int> EtagConflictsBySilo,
    IReadOnlyList<string> FalseDeaths,
    IReadOnlyDictionary<string, long> SiloPeakRssBytes,
    BankCheckResult Check,
    IReadOnlyList<BankSecond> Timeline,
    IReadOnlyList<DrillEvent> Events)
{
    /// <summary>True when some transfer attempt of the measured clients failed after the fault (see <see cref="BankTimeline.Outage"/>).</summary>
    public bool Outage { get; init; }

    /// <summary>
    /// For a partitioned region (PartitionRegionA, PartitionRegionB): transfer attempts its own clients sent while the
    /// cut was in place that were answered 201. Must be 0 (a commit there cannot reach the synchronous standby); null
    /// for other faults.
    /// </summary>
    public int? AcknowledgedInCutOffRegion { get; init; }

    /// <summary>
    /// Promotions during the drill: the leader's PostgreSQL timeline at the end minus at the start (each promotion,
    /// including a leader that lost its key and took it back, adds one). A lost region's failover and fail-back are
    /// two; in a <see cref="FaultKind.None"/> run every one is a false failover.
    /// </summary>
    public long Promotions { get; init; }

    /// <summary>Every silo that was declared dead during the drill and exited (the drill restarted it), targeted or not.</summary>
    public IReadOnlyList<string> DeclaredDead { get; init; } = [];

    /// <summary>
    /// For <see cref="FaultKind.PartitionSilos"/>: silos the membership table marked Dead while the cut was in place
    /// (read just before the heal): the cut's own effect, unlike an exit seen later. Empty for other faults.
    /// </summary>
    public IReadOnlyList<string> DeadInMembershipBeforeHeal { get; init; } = [];

    /// <summary>For <see cref="FaultKind.None"/>: changes of the Patroni leader or its timeline seen during the quiet run (polled each second).</summary>
    public int LeaderChanges { get; init; }

    /// <summary>
    /// True when every invariant held, a partitioned region acknowledged nothing while cut off, and either the fault caused an outage and the workload recovered, or it caused
    /// none and is documented as harmless (<see cref="FaultExpectations.ExpectsOutage"/>). A quiet run
    /// (<see cref="FaultKind.None"/>) passes only with no failed request, no promotion and no silo declared dead;
    /// <see cref="FaultKind.PartitionSilos"/> only when some silo was declared dead (the cut's proof), and it
    /// recovered if anything failed. A fault that should have
    /// caused an outage and did not fails the drill: it did not land where it mattered.
    /// </summary>
    public bool Passed => Check.Violations.Count == 0 && AcknowledgedInCutOffRegion is null or 0
        && Fault switch
        {
            FaultKind.None => !Outage && Promotions == 0 && LeaderChanges == 0 && FalseDeaths.Count == 0,
            // Cutting the silo ports between regions makes each side vote the other's silos dead: that eviction, not an
            // outage, shows the cut landed. Through the front door requests go to the primary's region, so when its
            // silos win the vote no request need fail (1 run of 5 measured).
            FaultKind.PartitionSilos => DeadInMembershipBeforeHeal.Count > 0 && (!Outage || RtoSeconds is not null),
            _ => Outage ? RtoSeconds is not null : !FaultExpectations.ExpectsOutage(Fault),
        };

    /// <summary>One line on the outage: the RTO, "no outage (harmless)", or why the drill failed on it.</summary>
    public string OutageVerdict => Fault == FaultKind.None
        ? Outage ? "OUTAGE in a run without faults" : "no outage (no fault)"
        : Fault == FaultKind.PartitionSilos && !Outage
        ? DeadInMembershipBeforeHeal.Count > 0 ? $"no outage: the cut landed ({string.Join(", ", DeadInMembershipBeforeHeal)} declared dead) and no request failed" : "NO SILO DECLARED DEAD: the cut between the silos did not land"
        : Outage
        ? RtoSeconds is { } rto ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"RTO {rto:0.0} s") : "never recovered"
        : FaultExpectations.ExpectsOutage(Fault) ? $"NO OUTAGE: no request failed after {Fault}, which must cause one; the fault did not land where it mattered" : "no outage (documented as harmless)";
}
