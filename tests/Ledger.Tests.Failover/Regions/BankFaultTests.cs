using MultiCloud.RegionsRig;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Regions;

/// <summary>
/// The ledger under faults: two silos per region (one cluster spanning both), a bank client in each region issuing
/// transfers and balance reads over HTTP with idempotency keys, one fault injected and healed per test. The checker's
/// invariants must hold every time: no acknowledged transfer lost, nothing refused applied, money conserved, no key
/// applied twice, no balance negative, no read going backwards, every account reconciling, both database copies equal.
/// The clients reach the API through the front door (one global entry that follows the writable region, a proxy per
/// region) and choose nothing themselves.
/// The RTO bounds here are twice the goals (a loaded CI machine); the medians over five runs are in docs/failover.md
/// (<c>scripts/failover-drills</c>).
/// </summary>
[Collection(RegionsCollection.Name)]
public sealed class BankFaultTests
{
    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task Killing_a_silo_loses_no_acknowledged_transfer()
    {
        var report = await RunAsync(FaultKind.KillSilo);

        Assert.InRange(report.RtoSeconds!.Value, 0, 10);
    }

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task A_frozen_silo_is_declared_dead_stops_itself_after_SIGCONT_and_its_replacement_joins_without_losing_a_transfer()
    {
        var report = await RunAsync(FaultKind.FreezeSilo);

        Assert.InRange(report.RtoSeconds!.Value, 0, 10);
        // Frozen past the death vote, it was declared dead; resumed, it found that out and stopped; the supervisor's
        // restart joined as a new silo and was ready before the check (RunAsync waits for every silo).
        Assert.Contains(report.Events, e => e.What.StartsWith("silo-a0 had exited (declared dead)", StringComparison.Ordinal));
        Assert.Empty(report.FalseDeaths);
    }

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task Killing_region_A_moves_the_activations_to_region_B_and_back_after_the_switchover_without_losing_a_transfer()
    {
        var report = await RunAsync(FaultKind.KillRegionA);

        AssertFailedOverAndBack(report);
    }

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task Losing_region_A_silently_moves_the_activations_to_region_B_and_back_after_the_switchover_without_losing_a_transfer()
    {
        var report = await RunAsync(FaultKind.LoseRegionA);

        AssertFailedOverAndBack(report);
    }

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task A_partitioned_region_A_stops_acknowledging_and_region_B_takes_over_without_losing_a_transfer()
    {
        var report = await RunAsync(FaultKind.PartitionRegionA);

        Assert.Equal(0, report.AcknowledgedInCutOffRegion);
        // Region B took over: once the partition had lasted, its PostgreSQL was the only one calling itself primary.
        Assert.Contains(report.Events, e => e.What == "primaries before the heal: region-b");
        Assert.InRange(report.RtoSeconds!.Value, 0, 40);
    }

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task Cutting_only_the_silo_ports_between_regions_gets_silos_declared_dead_and_the_service_recovers_without_losing_a_transfer()
    {
        var report = await RunAsync(FaultKind.PartitionSilos);

        // Both regions still reach the membership table, so each side's probes fail and its votes evict silos of the
        // other side: which silos lose is a race (one region's two, or three of four, in the measured runs). A silo
        // declared dead stops; the drill restarts it after the heal, as Kubernetes would, and every silo is ready
        // again before the check (RunAsync). The surviving silos serve every account meanwhile.
        // Through the front door requests go to the primary's region: when its silos win the vote, no request need fail
        // (1 of 5 measured runs), so the outage is bounded when there is one.
        Assert.InRange(report.DeadInMembershipBeforeHeal.Count, 1, 4);
        Assert.Equal(report.DeclaredDead.Count, report.Events.Count(e => e.What.Contains("had exited (declared dead)", StringComparison.Ordinal)));
        Assert.InRange(report.Outage ? report.RtoSeconds!.Value : 0, 0, 40);
    }

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task Killing_the_primarys_Patroni_moves_the_silos_to_the_promoted_primary_long_before_Patroni_returns()
    {
        var report = await RunAsync(FaultKind.KillPrimaryPatroni);

        // Patroni stays dead for the drill's 20 s hold while its PostgreSQL, orphaned, still says it is a primary.
        // Through HAProxy (Patroni's /primary check) the silos follow the promoted standby: measured 9.2-11.1 s, median 10.3 s (5
        // runs). 20 s is twice that, and below the hold: the multi-host driver path, which kept using the orphan
        // until Patroni returned (21.0 s median), fails it.
        Assert.InRange(report.RtoSeconds!.Value, 0, 20);
    }

    [Theory(Timeout = TestTimeouts.Drill)]
    [InlineData(FaultKind.StopPrimaryPostgres)]
    [InlineData(FaultKind.FreezePrimaryPostmaster)]
    [InlineData(FaultKind.StopEtcdMember)]
    [InlineData(FaultKind.PartitionRegionB)]
    public async Task A_database_fault_under_the_ledger_workload_loses_no_acknowledged_transfer(FaultKind fault)
    {
        var report = await RunAsync(fault);

        if (fault == FaultKind.PartitionRegionB)
        {
            Assert.Equal(0, report.AcknowledgedInCutOffRegion);
        }
    }

    private static void AssertFailedOverAndBack(BankDrillReport report)
    {
        Assert.InRange(report.RtoSeconds!.Value, 0, 30);
        // Region A's silos are gone (dead silos are not listed) or hold nothing: every account is in region B.
        Assert.Matches("^(a=0 )?b=20 ", report.PlacementAfterFailover);
        Assert.StartsWith("a=20 b=0", report.PlacementAfterFailback, StringComparison.Ordinal);
        Assert.InRange(report.SwitchoverRtoSeconds!.Value, 0, 10);
        // The clients used one address; the front door sent their requests to the writable region, then back.
        Assert.Contains(report.Events, e => e.What == "front door routes to: region-b");
        Assert.Contains(report.Events, e => e.What == "front door routes to: region-a");
    }

    private static async Task<BankDrillReport> RunAsync(FaultKind fault)
    {
        await RegionsCollection.PrepareAsync();
        var silos = new RigSiloOptions { PerRegion = 2, Assembly = Path.Combine(AppContext.BaseDirectory, "MultiCloud.Silo.dll") };
        var report = await new BankDrill(new RigOptions { Prefix = "mcb" }, silos, line => TestContext.Current.SendDiagnosticMessage(line))
            .RunAsync(fault, plotPath: null, TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(BankDrillSummary.Describe([report]));

        Assert.Empty(report.Check.Violations);
        Assert.Equal(0, report.Check.AcknowledgedLost);
        Assert.Equal(0, report.Check.FailedApplied);
        Assert.Equal(0, report.Check.KeysAppliedTwice);
        Assert.Equal(0, report.Check.ReadsBackwards);
        Assert.False(report.Check.Diverged);
        // The fault landed where it mattered: requests failed (and then recovered), or the fault is documented as harmless.
        Assert.True(report.Passed, report.OutageVerdict);
        Assert.True(report.Outage || !FaultExpectations.ExpectsOutage(fault), report.OutageVerdict);
        Assert.True(report.Check.Acknowledged > 200, $"only {report.Check.Acknowledged} transfers were acknowledged");
        Assert.True(report.Check.Reads > 50, $"only {report.Check.Reads} balances were read");
        Assert.DoesNotContain("mcb-", await Shell.RunAsync("ip", ["netns", "list"]), StringComparison.Ordinal);
        return report;
    }
}
