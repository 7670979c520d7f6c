using System.Diagnostics;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Durability;

/// <summary>
/// A silo declared dead makes the survivors ask for prompt recovery: an operation interrupted earlier, stalled and
/// found by nothing else (the reminder's period is an hour here), is finished without a client's retry.
/// </summary>
public sealed class PromptRecoveryAfterSiloDeathTests(PostgresServer postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task A_silo_declared_dead_triggers_recovery_of_an_operation_nothing_else_would_finish()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var ledger = await LedgerCluster.StartOnPostgresAsync(connectionString, $"prompt-{Guid.NewGuid():N}", silos: 2,
            options: o => o.MaintenancePeriod = TimeSpan.FromHours(1));
        await ledger.SettleStartupRecoveryAsync();
        var query = ledger.Client.GetGrain<ILedgerQueryGrain>(0);
        var from = await ledger.Client.OpenWithAsync(1_000);
        var to = await ledger.Client.OpenAsync();
        ledger.Gate.BeforeWrite = (state, grainId) => state == "ledger-account" && grainId.GetGuidKey() == to
            ? Task.FromException(new TimeoutException("injected: the credit's write timed out"))
            : Task.CompletedTask;
        var interrupted = await ledger.Client.ExecuteAsync(new TransferCommand(from, to, 250));
        ledger.Gate.BeforeWrite = null;

        // Control: stalled (older than the 30 s age) and nothing asks for recovery, so it stays pending.
        ledger.Time.Advance(TimeSpan.FromSeconds(40));
        var stillPending = (await query.ReconcileAsync()).PendingTransfers;

        var victim = ledger.Cluster.Silos[1];
        await ledger.Cluster.KillSiloAsync(victim);
        var clock = Stopwatch.StartNew();
        // The ledger's clock runs at about real speed while waiting (1 s a poll of 1 s). The survivor's request (or, if
        // the maintenance grain lived on the lost silo, its new activation's own) runs a pass at once, retried while the
        // operation's grains were on the lost silo; the pass due 31 s later on that clock would also finish it, still
        // within the deadline: this proves the death leads to recovery, not that the first pass does it.
        while ((await query.ReconcileAsync()).PendingTransfers != 0)
        {
            Assert.True(clock.Elapsed < Deadline, $"not finished {Deadline.TotalSeconds:0} s after the kill: {await ledger.Client.GetGrain<ILedgerMaintenanceGrain>(0).GetRecoveryStatusAsync()}");
            ledger.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        }

        Assert.Equal(OperationReplyStatus.OutcomeUnknown, interrupted.Status);
        Assert.Equal(1, stillPending);
        Assert.DoesNotContain(victim, ledger.Cluster.Silos);
        Assert.Equal(750, await ledger.Client.BalanceAsync(from));
        Assert.Equal(250, await ledger.Client.BalanceAsync(to));
        await ledger.Client.AssertReconcilesAsync();
    }
}
