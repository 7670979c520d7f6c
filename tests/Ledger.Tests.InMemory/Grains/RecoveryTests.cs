using MultiCloud.Grains.Interfaces;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Grains;

/// <summary>Operations interrupted by storage failures: never reported as success or failure, finished later.</summary>
public sealed class RecoveryTests : IAsyncLifetime
{
    private LedgerCluster _cluster = null!;

    private IClusterClient Grains => _cluster.Client;

    public async ValueTask InitializeAsync()
    {
        _cluster = await LedgerCluster.StartInMemoryAsync(silos: 2);
        await _cluster.SettleStartupRecoveryAsync(); // the passes these tests count are their own
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Transfer_whose_credit_cannot_be_written_answers_outcome_unknown_and_is_finished_by_maintenance()
    {
        var from = await Grains.OpenWithAsync(1_000);
        var to = await Grains.OpenAsync();
        FailWritesOf(to);

        var reply = await Grains.ExecuteAsync(new TransferCommand(from, to, 400));
        var transfer = await Grains.GetGrain<ILedgerQueryGrain>(0).FindTransferByIdempotencyKeyAsync(reply.Result?.Transfer?.IdempotencyKey ?? string.Empty);
        var during = await Grains.GetGrain<ILedgerQueryGrain>(0).ReconcileAsync();

        Assert.Equal(OperationReplyStatus.OutcomeUnknown, reply.Status);
        Assert.Null(reply.Result);
        Assert.Equal(600, await Grains.BalanceAsync(from));
        // The reloaded account proves its state durable by writing it back before answering: no balance while refused.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => Grains.BalanceAsync(to));
        Assert.True(during.IsConsistent, string.Join("\n", during.Issues.Select(i => i.Reason)));
        Assert.Equal(1, during.PendingTransfers);
        Assert.Equal(400, Assert.Single(during.Currencies).InFlight);
        Assert.Null(transfer);

        _cluster.Gate.BeforeWrite = null;
        Assert.Equal(0, await Grains.BalanceAsync(to));
        _cluster.Time.Advance(TimeSpan.FromSeconds(31));
        var pass = await Grains.GetGrain<ILedgerMaintenanceGrain>(0).RunOnceAsync();

        Assert.Equal(1, pass.Resumed);
        Assert.Equal(600, await Grains.BalanceAsync(from));
        Assert.Equal(400, await Grains.BalanceAsync(to));
        var after = await Grains.AssertReconcilesAsync();
        Assert.Equal(0, after.PendingTransfers);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task A_posting_that_fails_once_is_retried_within_the_request_and_the_transfer_completes()
    {
        var from = await Grains.OpenWithAsync(1_000);
        var to = await Grains.OpenAsync();
        var failures = 0;
        _cluster.Gate.BeforeWrite = (state, grainId) => state == "ledger-account" && grainId.GetGuidKey() == to && Interlocked.Increment(ref failures) == 1
            ? Task.FromException(new InvalidOperationException("injected: one transient failure"))
            : Task.CompletedTask;

        var reply = await Grains.ExecuteAsync(new TransferCommand(from, to, 300));
        _cluster.Gate.BeforeWrite = null;

        // The retry (100 ms later, through Polly) ran on the operation's activation and was marked as a retry.
        Assert.True(failures >= 2, "the credit was not tried again");
        Assert.Equal(OperationReplyStatus.Completed, reply.Status);
        Assert.Equal(700, await Grains.BalanceAsync(from));
        Assert.Equal(300, await Grains.BalanceAsync(to));
        Assert.Single(await Grains.EntriesAsync(to));
        await Grains.AssertReconcilesAsync();
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Retry_with_the_same_key_finishes_an_interrupted_transfer_exactly_once()
    {
        var from = await Grains.OpenWithAsync(1_000);
        var to = await Grains.OpenAsync();
        var key = LedgerActions.NewKey();
        var command = new TransferCommand(from, to, 250);
        FailWritesOf(to);

        var interrupted = await Grains.ExecuteAsync(command, key);
        _cluster.Gate.BeforeWrite = null;
        var retried = await Grains.ExecuteAsync(command, key);
        var replay = await Grains.ExecuteAsync(command, key);

        Assert.Equal(OperationReplyStatus.OutcomeUnknown, interrupted.Status);
        Assert.Equal(OperationReplyStatus.Completed, retried.Status);
        Assert.Equal(TransferStatus.Completed, retried.Result!.Transfer!.Status);
        Assert.True(replay.Replayed);
        Assert.Equal(750, await Grains.BalanceAsync(from));
        Assert.Equal(250, await Grains.BalanceAsync(to));
        Assert.Equal(2, (await Grains.EntriesAsync(from)).Count);
        Assert.Single(await Grains.EntriesAsync(to));
        await Grains.AssertReconcilesAsync();
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Operation_whose_intent_cannot_be_recorded_answers_outcome_unknown_and_applies_nothing()
    {
        var account = await Grains.OpenAsync();
        var key = LedgerActions.NewKey();
        _cluster.Gate.BeforeWrite = (state, _) => state == "ledger-operation"
            ? Task.FromException(new TimeoutException("storage timed out"))
            : Task.CompletedTask;

        var reply = await Grains.ExecuteAsync(new DepositCommand(account, 100), key);
        _cluster.Gate.BeforeWrite = null;

        Assert.Equal(OperationReplyStatus.OutcomeUnknown, reply.Status);
        Assert.Equal(0, await Grains.BalanceAsync(account));
        var retried = await Grains.ExecuteAsync(new DepositCommand(account, 100), key);
        Assert.Equal(OperationReplyStatus.Completed, retried.Status);
        Assert.Equal(100, await Grains.BalanceAsync(account));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Storage_failure_inside_an_account_reaches_the_caller_as_the_ledger_exception_not_a_codec_error()
    {
        var account = await Grains.OpenAsync();
        FailWritesOf(account);

        var reply = await Grains.ExecuteAsync(new DepositCommand(account, 5));
        var direct = await Assert.ThrowsAsync<StorageUnavailableException>(() => Grains.GetGrain<IAccountGrain>(account)
            .PostAsync(new Posting(Guid.NewGuid(), EntryKind.Deposit, 5, null, null, false)));

        Assert.Equal(OperationReplyStatus.OutcomeUnknown, reply.Status);
        Assert.True(direct.OutcomeUnknown);
        _cluster.Gate.BeforeWrite = null;
        Assert.Equal(0, await Grains.BalanceAsync(account));
    }

    private void FailWritesOf(Guid account) => _cluster.Gate.BeforeWrite = (state, grainId) =>
        state == "ledger-account" && grainId.GetGuidKey() == account
            ? Task.FromException(new InvalidOperationException("injected: storage refused the write"))
            : Task.CompletedTask;
}
