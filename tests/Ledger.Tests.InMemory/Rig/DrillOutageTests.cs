using MultiCloud.RegionsRig;
using MultiCloud.Tests.Infrastructure;
using MultiCloud.Workload;
using Xunit;

namespace MultiCloud.Tests.Rig;

/// <summary>
/// A drill whose fault caused no outage reports "no outage" and fails, unless the fault is documented as harmless;
/// no outage is never an RTO of 0 s. (A fault aimed at the wrong process lands here: nothing fails, so its drill fails.)
/// </summary>
public sealed class DrillOutageTests
{
    private static readonly BankCheckResult Clean = new(1_000, 900, 100, 0, 0, 0, 0, 0, 500, 0, false, []);

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task A_history_without_a_failed_attempt_has_no_outage_and_no_RTO()
    {
        var timeline = BankTimeline.Build([Attempt(1_000, 201), Attempt(2_000, 201), Attempt(3_000, 201)], faultAtMs: 500);

        Assert.False(timeline.Outage);
        Assert.Null(timeline.RtoSeconds);
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task A_history_with_failed_attempts_then_acknowledgements_has_an_outage_and_its_RTO()
    {
        List<HistoryEvent> history = [Attempt(1_000, 503), Attempt(1_500, 0), .. Enumerable.Range(0, 60).Select(i => Attempt(2_000 + (i * 100), 201))];

        var timeline = BankTimeline.Build(history, faultAtMs: 500);

        Assert.True(timeline.Outage);
        Assert.Equal(1.5, timeline.RtoSeconds);
        return Task.CompletedTask;
    }

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData(FaultKind.KillSilo, false)]
    [InlineData(FaultKind.LoseRegionA, false)]
    [InlineData(FaultKind.PartitionRegionB, false)]
    [InlineData(FaultKind.FreezePrimaryPostmaster, true)]
    [InlineData(FaultKind.StopEtcdMember, true)]
    public Task A_bank_drill_without_an_outage_passes_only_for_a_harmless_fault(FaultKind fault, bool passes)
    {
        var report = Bank(fault) with { RtoSeconds = null };

        Assert.Equal(passes, report.Passed);
        Assert.Contains(passes ? "no outage (documented as harmless)" : "NO OUTAGE", report.OutageVerdict, StringComparison.Ordinal);
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task A_bank_drill_with_an_outage_passes_only_once_recovered_and_only_with_a_clean_check()
    {
        Assert.True((Bank(FaultKind.KillSilo) with { RtoSeconds = 1.6, Outage = true }).Passed);
        Assert.False((Bank(FaultKind.KillSilo) with { RtoSeconds = null, Outage = true }).Passed);
        Assert.False((Bank(FaultKind.KillSilo) with { RtoSeconds = 1.6, Outage = true, Check = Clean with { Violations = ["AcknowledgedAppliedOnce: lost"] } }).Passed);
        return Task.CompletedTask;
    }

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData(FaultKind.StopPrimaryPostgres, 0, false)]
    [InlineData(FaultKind.StopPrimaryPostgres, 3, true)]
    [InlineData(FaultKind.StopEtcdMember, 0, true)]
    public Task A_SQL_drill_without_a_failed_write_passes_only_for_a_harmless_fault(FaultKind fault, int failedWrites, bool passes)
    {
        var check = new CheckResult(100, 97, 0, 3, 0, 0, 0, 97, 97, 0, 0, 0, []);
        var report = new DrillReport(fault, "region A", 1, 0, 1, 5, 9, null, null, 0, "region A", check, []) { FailedWritesAfterFault = failedWrites };

        Assert.Equal(passes, report.Passed);
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task A_silo_port_cut_passes_without_an_outage_only_when_it_got_silos_declared_dead()
    {
        var quiet = Bank(FaultKind.PartitionSilos) with { RtoSeconds = null };

        Assert.False(FaultExpectations.ExpectsOutage(FaultKind.PartitionSilos));
        Assert.False(quiet.Passed);
        Assert.Contains("did not land", quiet.OutageVerdict, StringComparison.Ordinal);
        Assert.False((quiet with { DeclaredDead = ["silo-b0"] }).Passed); // an exit seen after the heal proves nothing about the cut
        Assert.True((quiet with { DeadInMembershipBeforeHeal = ["silo-b0", "silo-b1"] }).Passed);
        Assert.Contains("silo-b0, silo-b1 declared dead", (quiet with { DeadInMembershipBeforeHeal = ["silo-b0", "silo-b1"] }).OutageVerdict, StringComparison.Ordinal);
        Assert.False((quiet with { DeadInMembershipBeforeHeal = ["silo-a0"], Outage = true }).Passed); // failed and never recovered
        Assert.True((Bank(FaultKind.PartitionSilos) with { Outage = true, DeadInMembershipBeforeHeal = ["silo-a0"] }).Passed);
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task A_run_without_faults_passes_only_without_an_outage_a_promotion_or_a_death()
    {
        var quiet = Bank(FaultKind.None) with { RtoSeconds = null };

        Assert.True(quiet.Passed);
        Assert.Equal("no outage (no fault)", quiet.OutageVerdict);
        Assert.False((quiet with { Promotions = 1 }).Passed);
        Assert.False((quiet with { LeaderChanges = 1 }).Passed);
        Assert.False((quiet with { FalseDeaths = ["silo-b1"] }).Passed);
        Assert.False((quiet with { Outage = true, RtoSeconds = 2.0 }).Passed);
        Assert.Equal("OUTAGE in a run without faults", (quiet with { Outage = true }).OutageVerdict);
        return Task.CompletedTask;
    }

    private static BankDrillReport Bank(FaultKind fault) =>
        new(fault, ClusterTopology.OneCluster, 1.0, 1.1, 0, null, null, null, 0, new Dictionary<string, int>(), [], new Dictionary<string, long>(), Clean, [], []);

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task An_attempt_in_flight_when_the_fault_lands_and_failing_after_it_is_an_outage_but_one_failing_before_it_is_not()
    {
        // Sent 100 ms before the fault, timed out 4 s later: the fault's casualty (a frozen silo's in-flight request).
        var inFlight = Attempt(400, 0) with { EndMs = 4_400 };
        List<HistoryEvent> after = [inFlight, .. Enumerable.Range(0, 60).Select(i => Attempt(1_000 + (i * 100), 201))];
        List<HistoryEvent> before = [Attempt(100, 503), .. Enumerable.Range(0, 60).Select(i => Attempt(1_000 + (i * 100), 201))];

        var hurt = BankTimeline.Build(after, faultAtMs: 500);
        var unrelated = BankTimeline.Build(before, faultAtMs: 500);

        Assert.True(hurt.Outage);
        Assert.True(hurt.RtoSeconds >= 0, $"the RTO is counted from the fault, not from the earlier send: {hurt.RtoSeconds}");
        Assert.False(unrelated.Outage); // failed (at 150 ms) before the fault landed
        return Task.CompletedTask;
    }

    private static HistoryEvent Attempt(long startMs, int status) =>
        new(EventKind.Attempt, "a", 0, $"k-{startMs}", Guid.Empty, Guid.Empty, 1, startMs, startMs + 50, status, null, "silo-a0", Guid.Empty, 0, 0, status == 0 ? "timeout" : null);
}
