using MultiCloud.Grains.Interfaces;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Grains;

/// <summary>Idempotency keys: replay, reuse with another request, in-flight duplicates, retention and purge.</summary>
public sealed class IdempotencyTests : IAsyncLifetime
{
    private LedgerCluster _cluster = null!;

    private IClusterClient Grains => _cluster.Client;

    public async ValueTask InitializeAsync()
    {
        _cluster = await LedgerCluster.StartInMemoryAsync();
        await _cluster.SettleStartupRecoveryAsync(); // the maintenance passes these tests count are their own
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Retry_with_the_same_key_returns_the_original_result_and_applies_nothing_twice()
    {
        var account = await Grains.OpenAsync();
        var key = LedgerActions.NewKey();

        var first = await Grains.ExecuteAsync(new DepositCommand(account, 250), key);
        var retry = await Grains.ExecuteAsync(new DepositCommand(account, 250), key);

        Assert.False(first.Replayed);
        Assert.True(retry.Replayed);
        Assert.Equal(first.Result, retry.Result);
        Assert.Equal(250, await Grains.BalanceAsync(account));
        Assert.Single(await Grains.EntriesAsync(account));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Retry_of_a_refused_operation_returns_the_same_refusal()
    {
        var account = await Grains.OpenAsync();
        var key = LedgerActions.NewKey();

        var first = await Grains.ExecuteAsync(new WithdrawCommand(account, 10), key);
        await Grains.ExecuteOkAsync(new DepositCommand(account, 100));
        var retry = await Grains.ExecuteAsync(new WithdrawCommand(account, 10), key);

        Assert.Equal(LedgerErrorCode.InsufficientFunds, first.Result!.Error!.Code);
        Assert.True(retry.Replayed);
        Assert.Equal(first.Result, retry.Result);
        Assert.Equal(100, await Grains.BalanceAsync(account));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Same_key_with_a_different_request_is_refused_and_applies_nothing()
    {
        var account = await Grains.OpenAsync();
        var key = LedgerActions.NewKey();
        await Grains.ExecuteOkAsync(new DepositCommand(account, 100), key);

        var reused = await Grains.ExecuteAsync(new DepositCommand(account, 101), key);
        var otherKind = await Grains.ExecuteAsync(new WithdrawCommand(account, 100), key);

        Assert.Equal(OperationReplyStatus.KeyReused, reused.Status);
        Assert.Equal(OperationReplyStatus.KeyReused, otherKind.Status);
        Assert.Equal(100, await Grains.BalanceAsync(account));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Duplicate_arriving_while_the_first_is_in_flight_is_answered_in_flight()
    {
        var from = await Grains.OpenWithAsync(1_000);
        var to = await Grains.OpenAsync();
        var key = LedgerActions.NewKey();
        var command = new TransferCommand(from, to, 100);
        var hold = _cluster.Gate.HoldNextWrite("ledger-operation");

        var first = Grains.ExecuteAsync(command, key);
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var duplicate = await Grains.ExecuteAsync(command, key);
        var different = await Grains.ExecuteAsync(new TransferCommand(from, to, 999), key);
        hold.Released.SetResult();
        var completed = await first;

        Assert.Equal(OperationReplyStatus.InFlight, duplicate.Status);
        Assert.Equal(OperationReplyStatus.KeyReused, different.Status);
        Assert.Equal(OperationReplyStatus.Completed, completed.Status);
        Assert.Equal(900, await Grains.BalanceAsync(from));
        Assert.Equal(100, await Grains.BalanceAsync(to));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Keys_are_kept_24_hours_then_purged_by_the_maintenance_job()
    {
        var account = await Grains.OpenAsync();
        var key = LedgerActions.NewKey();
        await Grains.ExecuteOkAsync(new DepositCommand(account, 100), key);
        var maintenance = Grains.GetGrain<ILedgerMaintenanceGrain>(0);

        _cluster.Time.Advance(TimeSpan.FromHours(23.9));
        var early = await maintenance.RunOnceAsync();
        var stillReplayed = await Grains.ExecuteAsync(new DepositCommand(account, 100), key);

        _cluster.Time.Advance(TimeSpan.FromHours(0.2));
        var late = await maintenance.RunOnceAsync();
        var afterPurge = await Grains.GetGrain<ILedgerOperationGrain>(key).GetAsync();

        Assert.Equal(0, early.Purged);
        Assert.True(stillReplayed.Replayed);
        Assert.Equal(100, await Grains.BalanceAsync(account));
        Assert.True(late.Purged >= 2, $"purged {late.Purged}");
        Assert.Null(afterPurge);
        Assert.Single(await Grains.EntriesAsync(account));
    }
}
