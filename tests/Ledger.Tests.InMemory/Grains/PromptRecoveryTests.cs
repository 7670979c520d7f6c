using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Regions.Primary;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Grains;

/// <summary>
/// Interrupted operations are finished promptly after a silo start or a failover, not one reminder period later: every
/// silo asks for recovery at start-up and when the database primary moves to another region, and a request runs a pass
/// at once and one when operations interrupted then count as stalled. The reminder's period is set to an hour here, so
/// that nothing but prompt recovery can finish an operation during a test; the ledger's clock is fake, and the primary's
/// region is moved by hand (<see cref="SettablePrimaryRegionSource"/>). A silo's death as the trigger is tested on
/// PostgreSQL (<c>PromptRecoveryAfterSiloDeathTests</c>): in-memory grain state dies with the silo that holds it.
/// </summary>
public sealed class PromptRecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    private readonly SettablePrimaryRegionSource _primary = new("a");
    private LedgerCluster _cluster = null!;

    private IClusterClient Grains => _cluster.Client;

    private ILedgerMaintenanceGrain Maintenance => Grains.GetGrain<ILedgerMaintenanceGrain>(0);

    public async ValueTask InitializeAsync() => _cluster = await LedgerCluster.StartInMemoryAsync(silos: 2,
        options: o => o.MaintenancePeriod = TimeSpan.FromHours(1),
        configure: silo => silo.Services.AddSingleton<IPrimaryRegionSource>(_primary));

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Every_silo_asks_for_recovery_at_start_and_a_request_finishes_an_operation_once_its_stall_age_has_passed()
    {
        await _cluster.SettleStartupRecoveryAsync();
        var (from, to) = await InterruptTransferAsync(400);
        var before = await Maintenance.GetRecoveryStatusAsync();

        await Maintenance.RecoverSoonAsync();
        var requested = _cluster.Time.GetUtcNow();
        var status = await Maintenance.GetRecoveryStatusAsync();
        // Not yet stalled (interrupted just now): the immediate pass leaves it pending.
        await WaitForAsync(async () => (await Maintenance.GetRecoveryStatusAsync()).Passes > before.Passes, "the immediate pass");
        var pendingAfterImmediatePass = await PendingAsync();
        _cluster.Time.Advance(TimeSpan.FromSeconds(32));
        await WaitForAsync(async () => await PendingAsync() == 0, "the transfer finished");
        var after = await Maintenance.GetRecoveryStatusAsync();

        Assert.True(before.Requests >= 2, $"each of the two silos asks at start-up: {before}");
        Assert.Equal(before.Requests + 1, status.Requests);
        Assert.Equal(requested + TimeSpan.FromSeconds(31), status.NextPassAt);
        Assert.Equal(1, pendingAfterImmediatePass);
        Assert.Equal(before.Passes + 2, after.Passes); // the immediate pass and the due one, nothing else
        Assert.Equal(600, await Grains.BalanceAsync(from));
        Assert.Equal(400, await Grains.BalanceAsync(to));
        await Grains.AssertReconcilesAsync();
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task A_request_while_the_loop_waits_for_its_due_pass_runs_a_pass_at_once()
    {
        await _cluster.SettleStartupRecoveryAsync();
        var (from, to) = await InterruptTransferAsync(300);
        var interruptedAt = _cluster.Time.GetUtcNow();
        _cluster.Time.Advance(TimeSpan.FromSeconds(10));
        var before = await Maintenance.GetRecoveryStatusAsync();
        await Maintenance.RecoverSoonAsync();
        await WaitForAsync(async () => (await Maintenance.GetRecoveryStatusAsync()).Passes > before.Passes, "the first request's immediate pass");

        // Stalled now (35 s old), while the loop waits for the first request's due pass (interrupted + 41 s).
        _cluster.Time.Advance(TimeSpan.FromSeconds(25));
        var waiting = await Maintenance.GetRecoveryStatusAsync();
        var pendingWhileWaiting = await PendingAsync();
        await Maintenance.RecoverSoonAsync();
        await WaitForAsync(async () => await PendingAsync() == 0, "the transfer finished by the second request's immediate pass",
            async () => (await Maintenance.GetRecoveryStatusAsync()).ToString());
        var after = await Maintenance.GetRecoveryStatusAsync();

        Assert.True(waiting.Running, $"the loop waits for its due pass: {waiting}");
        Assert.Equal(interruptedAt + TimeSpan.FromSeconds(41), waiting.NextPassAt);
        Assert.Equal(1, pendingWhileWaiting);
        Assert.Equal(before.Passes + 2, after.Passes);
        Assert.Equal(interruptedAt + TimeSpan.FromSeconds(35 + 31), after.NextPassAt); // the last pass moved later, not added
        Assert.Equal(700, await Grains.BalanceAsync(from));
        Assert.Equal(300, await Grains.BalanceAsync(to));
        await Grains.AssertReconcilesAsync();
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task The_primary_moving_to_another_region_makes_every_silo_ask_for_recovery()
    {
        await _cluster.SettleStartupRecoveryAsync();
        var (from, to) = await InterruptTransferAsync(250);
        _cluster.Time.Advance(TimeSpan.FromSeconds(40));
        // Control: stalled, and nothing is due or running, so nothing would finish it.
        var idle = await Maintenance.GetRecoveryStatusAsync();
        var pendingBeforeMove = await PendingAsync();

        _primary.Region = "b";
        await WaitForAsync(async () => await PendingAsync() == 0, "the transfer finished after the primary moved",
            async () => (await Maintenance.GetRecoveryStatusAsync()).ToString());
        await WaitForAsync(async () => (await Maintenance.GetRecoveryStatusAsync()).Requests == idle.Requests + 2, "both silos asked");

        Assert.False(idle.Running, $"nothing was running before the move: {idle}");
        Assert.Null(idle.NextPassAt);
        Assert.Equal(1, pendingBeforeMove);
        Assert.Equal(750, await Grains.BalanceAsync(from));
        Assert.Equal(250, await Grains.BalanceAsync(to));
        await Grains.AssertReconcilesAsync();
    }

    private async Task<long> PendingAsync() => (await Grains.GetGrain<ILedgerQueryGrain>(0).ReconcileAsync()).PendingTransfers;

    /// <summary>A transfer whose credit cannot be written: answered "outcome unknown", left pending; storage then heals.</summary>
    private async Task<(Guid From, Guid To)> InterruptTransferAsync(long amount)
    {
        var from = await Grains.OpenWithAsync(1_000);
        var to = await Grains.OpenAsync();
        _cluster.Gate.BeforeWrite = (state, grainId) => state == "ledger-account" && grainId.GetGuidKey() == to
            ? Task.FromException(new InvalidOperationException("injected: storage refused the write"))
            : Task.CompletedTask;
        var reply = await Grains.ExecuteAsync(new TransferCommand(from, to, amount));
        _cluster.Gate.BeforeWrite = null;

        Assert.Equal(OperationReplyStatus.OutcomeUnknown, reply.Status);
        Assert.Equal(1, (await Grains.GetGrain<ILedgerQueryGrain>(0).ReconcileAsync()).PendingTransfers);
        return (from, to);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, Func<Task<string>>? state = null, TimeSpan? poll = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Deadline, $"not within {Deadline.TotalSeconds:0} s: {what} {(state is null ? string.Empty : await state())}");
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        }
    }
}
