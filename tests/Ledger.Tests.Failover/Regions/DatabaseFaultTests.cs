using MultiCloud.RegionsRig;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Regions;

/// <summary>
/// Each database fault under two writers (one per region), one run each: after the fault heals and the cluster is
/// stable, every acknowledged row is on the final primary, both copies hold the same rows, and nothing answered with a
/// definite failure was applied. Medians over five runs come from <c>scripts/ha-drills</c> (docs/database-ha.md).
/// Where a fault moves the primary (region A lost or partitioned), writes must succeed again within 30 s of it: about
/// 2.5x the slowest median measured there (12.1 s, region A partitioned), room for a loaded 2-core CI machine.
/// </summary>
[Collection(RegionsCollection.Name)]
public sealed class DatabaseFaultTests
{
    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task Losing_region_A_promotes_region_B_without_losing_an_acknowledged_commit_and_region_A_fails_back()
    {
        var report = await RunAsync(FaultKind.KillRegionA);

        Assert.Contains(report.Timeline, e => e.What == $"writes succeed again ({Region.B.Name} leads)");
        Assert.Equal(Region.A.Name, report.LeaderAfter);
        Assert.NotNull(report.RejoinedSeconds);
        Assert.NotNull(report.SwitchoverSeconds);
        Assert.InRange(report.WritableAgainSeconds!.Value, 0, 30);
        Assert.True(report.ExposedSeconds > 0, "while region A is down the primary runs without a synchronous standby, and the drill must see it");
    }

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task A_partitioned_region_A_loses_no_acknowledged_commit_and_the_copies_do_not_diverge_after_the_heal()
    {
        var report = await RunAsync(FaultKind.PartitionRegionA);

        Assert.Equal(Region.B.Name, report.LeaderAfter);
        Assert.InRange(report.WritableAgainSeconds!.Value, 0, 30);
    }

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task Stopping_the_primarys_PostgreSQL_loses_no_acknowledged_commit()
        => await RunAsync(FaultKind.StopPrimaryPostgres);

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task Killing_the_primarys_Patroni_loses_no_acknowledged_commit()
        => await RunAsync(FaultKind.KillPrimaryPatroni);

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task Freezing_the_primarys_postmaster_loses_no_acknowledged_commit()
        => await RunAsync(FaultKind.FreezePrimaryPostmaster);

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task Losing_one_etcd_member_keeps_the_database_writable()
    {
        var report = await RunAsync(FaultKind.StopEtcdMember);

        Assert.Equal(Region.A.Name, report.LeaderAfter);
        Assert.Equal(0, report.Check.Unknown);
        // Writable throughout: two of three members keep quorum, so no write failed while the member was down.
        Assert.Equal(0, report.FailedWritesAfterFault);
    }

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task A_commit_whose_synchronous_wait_is_cancelled_is_an_unknown_outcome_never_an_acknowledgement()
    {
        // Region B, the synchronous standby, vanishes: commits on the primary wait for it until the writers' command
        // timeout cancels them. PostgreSQL then says the transaction "has already committed locally, but might not
        // have been replicated": the writer records an unknown outcome, and the row is indeed there afterwards.
        var report = await RunAsync(FaultKind.PartitionRegionB);

        Assert.True(report.Check.UnreplicatedCommits > 0, "no commit waited for the lost standby long enough to be cancelled");
        Assert.Equal(report.Check.UnreplicatedCommits, report.Check.UnreplicatedCommitsApplied);
    }

    private static async Task<DrillReport> RunAsync(FaultKind fault)
    {
        await RegionsCollection.PrepareAsync();
        var report = await new Drill(new RigOptions { Prefix = "mcf" }, line => TestContext.Current.SendDiagnosticMessage(line))
            .RunAsync(fault, TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(DrillSummary.Describe([report]));

        Assert.Empty(report.Check.Violations);
        Assert.Equal(0, report.Check.AcknowledgedLost);
        Assert.Equal(0, report.Check.Diverged);
        Assert.Equal(0, report.Check.FailedApplied);
        // The fault landed where it mattered: writes failed after it, or the fault is documented as harmless.
        Assert.True(report.Passed, report.OutageVerdict);
        Assert.True(report.Check.Acknowledged > 100, $"only {report.Check.Acknowledged} writes were acknowledged");
        Assert.DoesNotContain("mcf-", await Shell.RunAsync("ip", ["netns", "list"]), StringComparison.Ordinal);
        return report;
    }
}
