using MultiCloud.Grains.Interfaces;
using Orleans.Configuration;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Durability;

/// <summary>The ledger on PostgreSQL across silo restarts and silo kills.</summary>
public sealed class PostgresDurabilityTests(PostgresServer postgres)
{
    [Fact(Timeout = TestTimeouts.Host)]
    public async Task State_survives_a_restart_of_every_silo_and_a_retry_afterwards_applies_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var serviceId = $"restart-{Guid.NewGuid():N}";
        Guid from, to;
        var depositKey = LedgerActions.NewKey();
        var transferKey = LedgerActions.NewKey();
        OperationReply firstTransfer;
        await using (var before = await LedgerCluster.StartOnPostgresAsync(connectionString, serviceId, silos: 2))
        {
            from = await before.Client.OpenAsync();
            to = await before.Client.OpenAsync();
            await before.Client.ExecuteOkAsync(new DepositCommand(from, 1_000), depositKey);
            firstTransfer = await before.Client.ExecuteAsync(new TransferCommand(from, to, 400), transferKey);
        }

        await using var after = await LedgerCluster.StartOnPostgresAsync(connectionString, serviceId, silos: 2);
        var depositRetry = await after.Client.ExecuteAsync(new DepositCommand(from, 1_000), depositKey);
        var transferRetry = await after.Client.ExecuteAsync(new TransferCommand(from, to, 400), transferKey);

        Assert.Equal(OperationReplyStatus.Completed, firstTransfer.Status);
        Assert.True(depositRetry.Replayed);
        Assert.True(transferRetry.Replayed);
        Assert.Equal(firstTransfer.Result, transferRetry.Result);
        Assert.Equal(600, await after.Client.BalanceAsync(from));
        Assert.Equal(400, await after.Client.BalanceAsync(to));
        Assert.Equal(2, (await after.Client.EntriesAsync(from)).Count);
        var report = await after.Client.AssertReconcilesAsync();
        Assert.Equal(2, report.Accounts);
        Assert.Equal(1_000, Assert.Single(report.Currencies).Deposits);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Transfer_interrupted_by_a_silo_kill_between_debit_and_credit_ends_fully_applied()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var ledger = await LedgerCluster.StartOnPostgresAsync(connectionString, $"kill-{Guid.NewGuid():N}", silos: 2,
            configure: silo => silo.Configure<ClusterMembershipOptions>(o =>
            {
                // Declare the killed silo dead in seconds rather than the default tens of seconds.
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
            }));
        var from = await ledger.Client.OpenWithAsync(1_000);
        var to = await ledger.Client.OpenAsync();
        var key = LedgerActions.NewKey();
        var command = new TransferCommand(from, to, 300);

        // Hold the credit's write: the debit is durable, the credit is not, and the silo running the operation dies.
        var hold = ledger.Gate.HoldNextWrite("ledger-account", grainId => grainId.GetGuidKey() == to);
        var interrupted = ledger.Client.ExecuteAsync(command, key);
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        Assert.True(ledger.Cluster.TryGetGrainContext(ledger.Operation(key).GetGrainId(), out var context));
        var victim = ledger.Cluster.GetSiloForAddress(context.Address.SiloAddress!)!;
        var midway = await ledger.Client.GetGrain<ILedgerQueryGrain>(0).ReconcileAsync(TestContext.Current.CancellationToken);

        await ledger.Cluster.KillSiloAsync(victim);
        hold.Released.SetException(new InvalidOperationException("the silo that issued this write is dead"));
        // The call ends with its silo (Orleans fails it, or times it out after its response timeout), well before the
        // 60 s deadline: it does not hang.
        var ended = await Task.WhenAny(interrupted, Task.Delay(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
        Assert.Same(interrupted, ended);
        Assert.True(interrupted.IsFaulted, "the interrupted call was answered although its silo died mid-operation");
        if (ledger.Cluster.Silos.Count < 2)
        {
            await ledger.Cluster.StartAdditionalSiloAsync();
        }

        await ledger.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
        var retried = await ledger.Client.ExecuteAsync(command, key);

        Assert.Equal(1, midway.PendingTransfers);
        Assert.Equal(300, Assert.Single(midway.Currencies).InFlight);
        Assert.Equal(OperationReplyStatus.Completed, retried.Status);
        Assert.Equal(TransferStatus.Completed, retried.Result!.Transfer!.Status);
        Assert.Equal(700, await ledger.Client.BalanceAsync(from));
        Assert.Equal(300, await ledger.Client.BalanceAsync(to));
        var report = await ledger.Client.AssertReconcilesAsync();
        Assert.Equal(0, report.PendingTransfers);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Maintenance_on_PostgreSQL_finishes_stalled_transfers_and_purges_keys_after_their_retention()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var serviceId = $"maintenance-{Guid.NewGuid():N}";
        await using var ledger = await LedgerCluster.StartOnPostgresAsync(connectionString, serviceId);
        await ledger.SettleStartupRecoveryAsync(); // the passes below are the only ones
        var from = await ledger.Client.OpenWithAsync(1_000);
        var to = await ledger.Client.OpenAsync();
        var key = LedgerActions.NewKey();
        ledger.Gate.BeforeWrite = (state, grainId) => state == "ledger-account" && grainId.GetGuidKey() == to
            ? Task.FromException(new TimeoutException("injected: the credit's write timed out"))
            : Task.CompletedTask;

        var interrupted = await ledger.Client.ExecuteAsync(new TransferCommand(from, to, 100), key);
        ledger.Gate.BeforeWrite = null;
        var maintenance = ledger.Client.GetGrain<ILedgerMaintenanceGrain>(0);
        var tooEarly = await maintenance.RunOnceAsync();
        ledger.Time.Advance(TimeSpan.FromSeconds(31));
        var resumed = await maintenance.RunOnceAsync();
        var transfer = await ledger.Client.GetGrain<ILedgerQueryGrain>(0).FindTransferByIdempotencyKeyAsync(key, TestContext.Current.CancellationToken);
        ledger.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var purged = await maintenance.RunOnceAsync();

        Assert.Equal(OperationReplyStatus.OutcomeUnknown, interrupted.Status);
        Assert.Equal(0, tooEarly.Resumed);
        Assert.Equal(1, resumed.Resumed);
        Assert.Equal(TransferStatus.Completed, transfer!.Status);
        Assert.Equal(100, await ledger.Client.BalanceAsync(to));
        Assert.Equal(4, purged.Purged); // two openings, the deposit, the transfer
        Assert.Null(await ledger.Operation(key).GetAsync());
        Assert.Equal(0L, await CountAsync(connectionString, "SELECT count(*) FROM ledger.operations WHERE service_id = $1", serviceId));
        Assert.Equal(0L, await CountAsync(connectionString, "SELECT count(*) FROM OrleansStorage WHERE ServiceId = $1 AND GrainTypeString = 'ledger-operation'", serviceId));
        Assert.Equal(1L, await CountAsync(connectionString, "SELECT count(*) FROM ledger.transfers WHERE service_id = $1 AND status = 'completed'", serviceId));
        Assert.Equal(TransferStatus.Completed, (await ledger.Client.GetGrain<ILedgerQueryGrain>(0).FindTransferByIdempotencyKeyAsync(key, TestContext.Current.CancellationToken))!.Status);
        await ledger.Client.AssertReconcilesAsync();
    }

    private static async Task<long> CountAsync(string connectionString, string sql, string serviceId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = serviceId });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
