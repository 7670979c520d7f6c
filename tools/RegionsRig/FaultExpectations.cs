namespace MultiCloud.RegionsRig;

/// <summary>What each fault is expected to do to the service, so that a drill can tell "no outage" from "no fault".</summary>
public static class FaultExpectations
{
    /// <summary>
    /// True when the fault must cause an outage (some requests or writes fail after it). Two faults are documented as
    /// harmless (docs/failover.md): a frozen postmaster (running backends keep serving the open connections, and
    /// Patroni's checks use their own) and a lost witness etcd member (two of three members keep quorum). A drill of
    /// any other fault that sees no failure reports "no outage" and fails: its fault did not land where it mattered.
    /// <see cref="FaultKind.None"/> expects none either (it must cause none: <see cref="BankDrillReport.Passed"/>), and
    /// <see cref="FaultKind.PartitionSilos"/> need not cause one (through a front door that sends every request to the
    /// primary's region, nothing fails when that region's silos win the vote): it is proven by silos marked Dead instead
    /// (<see cref="BankDrillReport.Passed"/>).
    /// </summary>
    public static bool ExpectsOutage(FaultKind fault) => fault is not (FaultKind.None or FaultKind.FreezePrimaryPostmaster or FaultKind.StopEtcdMember or FaultKind.PartitionSilos);
}
