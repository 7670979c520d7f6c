using MultiCloud.Grains.Interfaces;
using MultiCloud.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace MultiCloud.Tests.Persistence;

/// <summary>
/// PostgreSQL answers a COMMIT whose wait for the synchronous standby was cancelled with success plus the warning
/// "committed locally, but might not have been replicated". Through the grain storage such a write must be an
/// outcome-unknown failure, never a success: on a primary cut off from its standby that commit may be rewound at
/// failover. Provoked on a private server (the setting is server-wide) whose synchronous standby does not exist, with
/// every waiting commit cancelled from another session.
/// </summary>
public sealed class UnreplicatedCommitTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private LedgerCluster _cluster = null!;
    private string _connectionString = string.Empty;

    private IClusterClient Grains => _cluster.Client;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await _postgres.CreateDatabaseAsync();
        _cluster = await LedgerCluster.StartOnPostgresAsync(_connectionString, $"unreplicated-{Guid.NewGuid():N}");
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task A_commit_whose_synchronous_replication_wait_is_cancelled_is_answered_outcome_unknown_and_a_retry_applies_it_once()
    {
        var account = await Grains.OpenWithAsync(1_000);
        var key = LedgerActions.NewKey();
        var command = new DepositCommand(account, 50);
        await _postgres.SetSettingAsync("synchronous_standby_names", "absent_standby");

        var deposit = Grains.ExecuteAsync(command, key);
        var cancelled = await CancelSynchronousReplicationWaitsUntilAsync(deposit);
        var reply = await deposit;
        await _postgres.SetSettingAsync("synchronous_standby_names", string.Empty);
        var retried = await RetryUntilDefiniteAsync(command, key);

        Assert.True(cancelled > 0, "no commit waited for the synchronous standby");
        Assert.Contains("might not have been replicated", _postgres.ReadLog(), StringComparison.Ordinal);
        Assert.Equal(OperationReplyStatus.OutcomeUnknown, reply.Status);
        Assert.Null(reply.Result);
        Assert.Equal(OperationReplyStatus.Completed, retried.Status);
        Assert.Equal(1_050, await Grains.BalanceAsync(account));
        Assert.Single(await Grains.EntriesAsync(account), e => e.Kind == EntryKind.Deposit && e.Amount == 50);
        await Grains.AssertReconcilesAsync();
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Client_reads_are_refused_while_the_synchronous_standby_cannot_confirm_them_even_of_a_commit_the_primary_shows_locally()
    {
        var from = await Grains.OpenWithAsync(1_000);
        var to = await Grains.OpenAsync();
        var key = LedgerActions.NewKey();
        await _postgres.SetSettingAsync("synchronous_standby_names", "absent_standby");

        // A transfer whose first commit (its intent, with the pending transfer row) is visible here but was never
        // confirmed by a standby: what failover to that standby would lose.
        var transfer = Grains.ExecuteAsync(new TransferCommand(from, to, 70), key);
        Assert.True(await CancelSynchronousReplicationWaitsUntilAsync(transfer) > 0, "no commit waited for the synchronous standby");
        Assert.Equal(OperationReplyStatus.OutcomeUnknown, (await transfer).Status);
        Assert.Equal(1L, await CountTransferRowsInSqlAsync(key));
        var query = Grains.GetGrain<ILedgerQueryGrain>(0);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(() => query.FindTransferByIdempotencyKeyAsync(key));
        var refusedAfter = clock.Elapsed;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => Grains.EntriesAsync(from));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => query.ReconcileAsync());

        // With no synchronous standby configured, a commit waits for none: what is visible is as durable as it gets.
        await _postgres.SetSettingAsync("synchronous_standby_names", string.Empty);
        var found = await query.FindTransferByIdempotencyKeyAsync(key);

        Assert.True(refused.Message.Contains("synchronous standby", StringComparison.Ordinal), refused.ToString());
        // Refused after waiting Regions:ReplicationFence:Wait (1 s) for the standby, not at once and not forever.
        // Margin: 100 ms below (timer granularity), 10x above (a loaded 2-core machine).
        Assert.InRange(refusedAfter.TotalMilliseconds, 900, 10_000);
        Assert.NotNull(found);
        Assert.Single(await Grains.EntriesAsync(from));
    }

    private async Task<long> CountTransferRowsInSqlAsync(string key)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM ledger.transfers WHERE idempotency_key = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Cancels every backend waiting for the synchronous standby until <paramref name="until"/> ends; returns how many.</summary>
    private async Task<int> CancelSynchronousReplicationWaitsUntilAsync(Task until)
    {
        var cancelled = 0;
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!until.IsCompleted && DateTime.UtcNow < deadline)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE pg_cancel_backend(pid)) FROM pg_stat_activity WHERE wait_event = 'SyncRep'", connection);
            cancelled += Convert.ToInt32(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        return cancelled;
    }

    /// <summary>What a client does after "outcome unknown": retries the same key until the answer is definite.</summary>
    private async Task<OperationReply> RetryUntilDefiniteAsync(LedgerCommand command, string key)
    {
        for (var attempt = 0; ; attempt++)
        {
            var reply = await Grains.ExecuteAsync(command, key);
            if (reply.Status is not (OperationReplyStatus.OutcomeUnknown or OperationReplyStatus.InFlight) || attempt == 50)
            {
                return reply;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
