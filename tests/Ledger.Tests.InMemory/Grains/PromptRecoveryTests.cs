using System.Diagnostics;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Grains;

/// <summary>
/// Interrupted operations are finished promptly after a silo start, not one reminder period later: every silo asks for
/// recovery at start-up, and a request runs a pass at once and one when operations interrupted then count as stalled.
/// The reminder's period is set to an hour here, so that nothing but prompt recovery can finish an operation during a
/// test; the ledger's clock is fake. A silo's death as the trigger is tested on PostgreSQL
/// (<c>PromptRecoveryAfterSiloDeathTests</c>): in-memory grain state dies with the silo that holds it.
/// </summary>
public sealed class PromptRecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    private LedgerCluster _cluster = null!;

    private IClusterClient Grains => _cluster.Client;

    private ILedgerMaintenanceGrain Maintenance => Grains.GetGrain<ILedgerMaintenanceGrain>(0);

    public async ValueTask InitializeAsync() => _cluster = await LedgerCluster.StartInMemoryAsync(silos: 2, options: o => o.MaintenancePeriod = TimeSpan.FromHours(1));

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
        // Not yet stalled (interrupted just now): the immediate pass leaves it, and so does the clock short of the age.
        await WaitForAsync(async () => (await Maintenance.GetRecoveryStatusAsync()).Passes > before.Passes, "the immediate pass");
        _cluster.Time.Advance(TimeSpan.FromSeconds(29));
        var pendingAt29 = (await Grains.GetGrain<ILedgerQueryGrain>(0).ReconcileAsync()).PendingTransfers;
        _cluster.Time.Advance(TimeSpan.FromSeconds(3));
        await WaitForAsync(async () => (await Grains.GetGrain<ILedgerQueryGrain>(0).ReconcileAsync()).PendingTransfers == 0, "the transfer finished");

        Assert.True(before.Requests >= 2, $"each of the two silos asks at start-up: {before}");
        Assert.Equal(before.Requests + 1, status.Requests);
        Assert.Equal(requested + TimeSpan.FromSeconds(31), status.NextPassAt);
        Assert.Equal(1, pendingAt29);
        Assert.Equal(600, await Grains.BalanceAsync(from));
        Assert.Equal(400, await Grains.BalanceAsync(to));
        await Grains.AssertReconcilesAsync();
    }

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
