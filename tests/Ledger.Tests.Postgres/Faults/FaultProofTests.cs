using System.Diagnostics;
using MultiCloud.RegionsRig;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Faults;

/// <summary>
/// The drills' fault commands prove they landed (<see cref="FaultProof"/>): aimed at the wrong process, at one already
/// gone, or without effect, they throw, and the drill fails instead of measuring a fault that never happened. The
/// targets are throwaway <c>sleep</c> processes, never a server another test uses.
/// </summary>
public sealed class FaultProofTests
{
    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_kill_aimed_at_the_wrong_process_is_refused_and_the_process_survives()
    {
        using var decoy = Decoy();
        try
        {
            var refused = await Assert.ThrowsAsync<FaultNotLandedException>(() => FaultProof.SignalAsync(decoy.Id, "KILL", "patroni", "the primary's Patroni", TestContext.Current.CancellationToken));

            Assert.Contains("not patroni", refused.Message, StringComparison.Ordinal);
            Assert.True(Shell.IsAlive(decoy.Id), "the process the wrong kill was aimed at still runs");
        }
        finally
        {
            decoy.Kill();
        }
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_target_named_by_part_of_an_argument_is_refused_so_silo_a0_never_matches_silo_a01()
    {
        using var decoy = Decoy();
        try
        {
            var refused = await Assert.ThrowsAsync<FaultNotLandedException>(() => FaultProof.SignalAsync(decoy.Id, "STOP", "30", "a decoy", TestContext.Current.CancellationToken));
            await FaultProof.SignalAsync(decoy.Id, "STOP", "300", "a decoy", TestContext.Current.CancellationToken);
            await FaultProof.SignalAsync(decoy.Id, "CONT", "sleep", "a decoy", TestContext.Current.CancellationToken);

            Assert.Contains("not 30", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            decoy.Kill();
        }
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_freeze_leaves_the_process_stopped_and_a_resume_leaves_it_running()
    {
        using var decoy = Decoy();
        try
        {
            await FaultProof.SignalAsync(decoy.Id, "STOP", "sleep", "a decoy", TestContext.Current.CancellationToken);
            Assert.Equal('T', Shell.ProcessState(decoy.Id));

            await FaultProof.SignalAsync(decoy.Id, "CONT", "sleep", "a decoy", TestContext.Current.CancellationToken);
            Assert.NotEqual('T', Shell.ProcessState(decoy.Id));
        }
        finally
        {
            decoy.Kill();
        }
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_kill_lands_only_when_the_process_is_gone_and_a_second_one_finds_nothing_to_kill()
    {
        using var decoy = Decoy();
        try
        {
            await FaultProof.SignalAsync(decoy.Id, "KILL", "sleep", "a decoy", TestContext.Current.CancellationToken);
            Assert.False(Shell.IsAlive(decoy.Id), "SignalAsync returned before the process was gone");
            await decoy.WaitForExitAsync(TestContext.Current.CancellationToken);

            var again = await Assert.ThrowsAsync<FaultNotLandedException>(() => FaultProof.SignalAsync(decoy.Id, "KILL", "sleep", "a decoy", TestContext.Current.CancellationToken));
            Assert.Contains("is not running", again.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (!decoy.HasExited)
            {
                decoy.Kill();
            }
        }
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_fault_whose_effect_never_shows_fails_at_the_deadline_naming_what_was_seen()
    {
        var seen = await Assert.ThrowsAsync<FaultNotLandedException>(() => FaultProof.WaitAsync(() => false, "rule not in place", TestContext.Current.CancellationToken));

        Assert.StartsWith("rule not in place", seen.Message, StringComparison.Ordinal);
    }

    private static Process Decoy() => Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
}
