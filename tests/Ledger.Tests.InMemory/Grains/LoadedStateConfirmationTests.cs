using MultiCloud.Grains.Interfaces;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Grains;

/// <summary>
/// A state read from storage may be a commit that only a primary cut off from its synchronous standby has; answering
/// from it could acknowledge what failover then loses. Grains write a loaded state back before any answer rests on it,
/// so while writes fail (the isolated primary cannot reach its standby) nothing is answered from a reload.
/// </summary>
public sealed class LoadedStateConfirmationTests : IAsyncLifetime
{
    private LedgerCluster _cluster = null!;

    private IClusterClient Grains => _cluster.Client;

    public async ValueTask InitializeAsync() => _cluster = await LedgerCluster.StartInMemoryAsync(silos: 1);

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task A_reloaded_completed_operation_is_replayed_only_after_its_state_is_written_back()
    {
        var from = await Grains.OpenWithAsync(1_000);
        var to = await Grains.OpenAsync();
        var key = LedgerActions.NewKey();
        var command = new TransferCommand(from, to, 300);
        var first = await Grains.ExecuteAsync(command, key);
        await CollectActivationsAsync();
        _cluster.Gate.BeforeWrite = (state, grainId) => state == "ledger-operation" && grainId.Key.ToString() == key
            ? Task.FromException(new InvalidOperationException("injected: the write-back cannot reach the synchronous standby"))
            : Task.CompletedTask;

        var unconfirmed = await Grains.ExecuteAsync(command, key);
        var unconfirmedGet = await Grains.GetGrain<ILedgerOperationGrain>(key).GetAsync();
        var writeBacks = 0;
        _cluster.Gate.BeforeWrite = (state, grainId) =>
        {
            if (state == "ledger-operation" && grainId.Key.ToString() == key)
            {
                Interlocked.Increment(ref writeBacks);
            }

            return Task.CompletedTask;
        };
        await CollectActivationsAsync();
        var replay = await Grains.ExecuteAsync(command, key);

        Assert.Equal(OperationReplyStatus.Completed, first.Status);
        Assert.Equal(OperationReplyStatus.OutcomeUnknown, unconfirmed.Status);
        Assert.Null(unconfirmed.Result);
        Assert.Equal(OperationReplyStatus.OutcomeUnknown, unconfirmedGet?.Status);
        Assert.Equal(OperationReplyStatus.Completed, replay.Status);
        Assert.True(replay.Replayed);
        Assert.True(writeBacks >= 1, "the reloaded operation replayed without writing its state back first");
        Assert.Equal(first.Result?.Transfer?.Id, replay.Result?.Transfer?.Id);
        Assert.Equal(700, await Grains.BalanceAsync(from));
        Assert.Equal(300, await Grains.BalanceAsync(to));
        await Grains.AssertReconcilesAsync();
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task The_read_only_account_read_never_writes_and_sends_a_reloaded_account_to_the_read_that_writes_it_back()
    {
        var account = await Grains.OpenWithAsync(1_000);
        var grain = Grains.GetGrain<IAccountGrain>(account);
        var warm = await grain.TryGetAsync();
        await CollectActivationsAsync();
        var writes = 0;
        _cluster.Gate.BeforeWrite = (state, grainId) =>
        {
            if (state == "ledger-account" && grainId.GetGuidKey() == account)
            {
                Interlocked.Increment(ref writes);
            }

            return Task.CompletedTask;
        };

        var reloaded = await grain.TryGetAsync();
        var writesAfterReadOnly = Volatile.Read(ref writes);
        var current = await grain.GetCurrentAsync();
        var writesAfterRead = Volatile.Read(ref writes);
        var again = await grain.TryGetAsync();

        Assert.Equal(new AccountRead(true, warm.Account), warm); // written by this activation: current from memory
        Assert.Equal(1_000, warm.Account!.Balance);
        Assert.Equal(AccountRead.NotCurrent, reloaded); // loaded, not yet written back: the read-only call says so
        Assert.Equal(0, writesAfterReadOnly);
        Assert.Equal(1_000, current!.Balance);
        Assert.Equal(1, writesAfterRead); // the write-back happened in GetAsync, which runs alone
        Assert.True(again.Current);
        Assert.Equal(1_000, again.Account!.Balance);
        Assert.Equal(1, Volatile.Read(ref writes));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task A_reloaded_account_answers_a_retried_posting_already_applied_only_after_its_state_is_written_back()
    {
        var account = await Grains.OpenWithAsync(1_000);
        var deposit = await Grains.ExecuteOkAsync(new DepositCommand(account, 50));
        var entry = deposit.Entry!;
        await CollectActivationsAsync();
        _cluster.Gate.BeforeWrite = (state, grainId) => state == "ledger-account" && grainId.GetGuidKey() == account
            ? Task.FromException(new InvalidOperationException("injected: the write-back cannot reach the synchronous standby"))
            : Task.CompletedTask;
        var retry = new Posting(entry.OperationId, EntryKind.Deposit, 50, null, null, IsRetry: true);

        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(() => Grains.GetGrain<IAccountGrain>(account).PostAsync(retry));
        var noBalance = await Assert.ThrowsAsync<StorageUnavailableException>(() => Grains.BalanceAsync(account));
        var writeBacks = 0;
        _cluster.Gate.BeforeWrite = (state, grainId) =>
        {
            if (state == "ledger-account" && grainId.GetGuidKey() == account)
            {
                Interlocked.Increment(ref writeBacks);
            }

            return Task.CompletedTask;
        };
        var found = await Grains.GetGrain<IAccountGrain>(account).PostAsync(retry);
        var writtenBeforeAnswer = writeBacks;

        Assert.True(refused.OutcomeUnknown);
        Assert.True(noBalance.OutcomeUnknown);
        Assert.Null(found.Error);
        Assert.True(writtenBeforeAnswer >= 1, "the reloaded account answered the retry without writing its state back first");
        Assert.Equal(entry.Sequence, found.Entry?.Sequence);
        Assert.Equal(1_050, await Grains.BalanceAsync(account));
        Assert.Equal(2, (await Grains.EntriesAsync(account)).Count);
        await Grains.AssertReconcilesAsync();
    }

    private Task CollectActivationsAsync()
        => Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
}
