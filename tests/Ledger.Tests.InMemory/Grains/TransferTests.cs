using MultiCloud.Grains.Interfaces;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Grains;

public sealed class TransferTests(InMemoryClusterFixture fixture) : IClassFixture<InMemoryClusterFixture>
{
    private IClusterClient Grains => fixture.Cluster.Client;

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Transfer_debits_one_account_credits_the_other_and_records_both_entries()
    {
        var from = await Grains.OpenWithAsync(1_000);
        var to = await Grains.OpenAsync();

        var result = await Grains.ExecuteOkAsync(new TransferCommand(from, to, 300));

        Assert.Equal(TransferStatus.Completed, result.Transfer!.Status);
        Assert.Equal(700, await Grains.BalanceAsync(from));
        Assert.Equal(300, await Grains.BalanceAsync(to));
        var debit = (await Grains.EntriesAsync(from))[^1];
        var credit = Assert.Single(await Grains.EntriesAsync(to));
        Assert.Equal((EntryKind.TransferOut, -300L, 700L, to), (debit.Kind, debit.Amount, debit.BalanceAfter, debit.CounterpartyAccountId!.Value));
        Assert.Equal((EntryKind.TransferIn, 300L, 300L, from), (credit.Kind, credit.Amount, credit.BalanceAfter, credit.CounterpartyAccountId!.Value));
        Assert.Equal(result.Transfer.Id, debit.OperationId);
        Assert.Equal(result.Transfer.Id, credit.OperationId);
        Assert.Equal(result.Transfer, await Grains.GetGrain<ILedgerQueryGrain>(0).GetTransferAsync(result.Transfer.Id));
        await Grains.AssertReconcilesAsync();
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Transfer_with_insufficient_funds_is_rejected_and_changes_nothing()
    {
        var from = await Grains.OpenWithAsync(100);
        var to = await Grains.OpenAsync();

        var reply = await Grains.ExecuteAsync(new TransferCommand(from, to, 101));

        Assert.Equal(LedgerErrorCode.InsufficientFunds, reply.Result!.Error!.Code);
        Assert.Equal("amount", reply.Result.Error.Field);
        Assert.Equal(TransferStatus.Rejected, reply.Result.Transfer!.Status);
        Assert.Equal(100, await Grains.BalanceAsync(from));
        Assert.Equal(0, await Grains.BalanceAsync(to));
        Assert.Single(await Grains.EntriesAsync(from));
        Assert.Empty(await Grains.EntriesAsync(to));
        await Grains.AssertReconcilesAsync();
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Transfer_between_currencies_is_rejected_before_anything_moves()
    {
        var from = await Grains.OpenWithAsync(1_000, "EUR");
        var to = await Grains.OpenAsync("USD");

        var reply = await Grains.ExecuteAsync(new TransferCommand(from, to, 10));

        Assert.Equal((LedgerErrorCode.CurrencyMismatch, "toAccountId"), (reply.Result!.Error!.Code, reply.Result.Error.Field));
        Assert.Equal(1_000, await Grains.BalanceAsync(from));
        Assert.Single(await Grains.EntriesAsync(from));
        Assert.Equal(0, await Grains.BalanceAsync(to));
        Assert.Empty(await Grains.EntriesAsync(to));
    }

    [Theory(Timeout = TestTimeouts.Host)]
    [InlineData(true, "fromAccountId")]
    [InlineData(false, "toAccountId")]
    public async Task Transfer_naming_an_unknown_account_is_rejected_and_names_that_field(bool unknownSource, string field)
    {
        var known = await Grains.OpenWithAsync(500);
        var unknown = Guid.NewGuid();
        var command = unknownSource ? new TransferCommand(unknown, known, 10) : new TransferCommand(known, unknown, 10);

        var reply = await Grains.ExecuteAsync(command);

        Assert.Equal((LedgerErrorCode.AccountNotFound, field), (reply.Result!.Error!.Code, reply.Result.Error.Field));
        Assert.Equal(500, await Grains.BalanceAsync(known));
        Assert.Null(await Grains.GetGrain<IAccountGrain>(unknown).GetAsync());
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Transfer_to_the_same_account_is_invalid_and_not_recorded()
    {
        var account = await Grains.OpenWithAsync(500);
        var key = LedgerActions.NewKey();

        var reply = await Grains.ExecuteAsync(new TransferCommand(account, account, 10), key);

        Assert.Equal((LedgerErrorCode.SameAccount, "toAccountId"), (reply.Result!.Error!.Code, reply.Result.Error.Field));
        Assert.Null(await Grains.GetGrain<ILedgerOperationGrain>(key).GetAsync());
        Assert.Equal(500, await Grains.BalanceAsync(account));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Transfer_whose_credit_is_refused_is_reversed_and_nets_to_zero()
    {
        var from = await Grains.OpenWithAsync(5_000);
        var to = await Grains.OpenWithAsync(4_000);
        await Grains.ExecuteOkAsync(new DepositCommand(to, 5_000));

        // The destination's limit is 10,000: the credit is refused after the debit, so the debit is reversed.
        var reply = await Grains.ExecuteAsync(new TransferCommand(from, to, 2_000));

        Assert.Equal((LedgerErrorCode.BalanceLimitExceeded, "amount"), (reply.Result!.Error!.Code, reply.Result.Error.Field));
        Assert.Equal(TransferStatus.Rejected, reply.Result.Transfer!.Status);
        Assert.Equal(5_000, await Grains.BalanceAsync(from));
        Assert.Equal(9_000, await Grains.BalanceAsync(to));
        var entries = await Grains.EntriesAsync(from);
        Assert.Equal([EntryKind.Deposit, EntryKind.TransferOut, EntryKind.TransferReversal], entries.Select(e => e.Kind));
        Assert.Equal(0, entries[1].Amount + entries[2].Amount);
        await Grains.AssertReconcilesAsync();
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Withdrawal_above_the_balance_is_refused_and_changes_nothing()
    {
        var account = await Grains.OpenWithAsync(50);

        var reply = await Grains.ExecuteAsync(new WithdrawCommand(account, 51));

        Assert.Equal((LedgerErrorCode.InsufficientFunds, "amount"), (reply.Result!.Error!.Code, reply.Result.Error.Field));
        Assert.Equal(50, await Grains.BalanceAsync(account));
        Assert.Single(await Grains.EntriesAsync(account));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Deposit_above_the_balance_limit_is_refused()
    {
        var account = await Grains.OpenWithAsync(5_000);
        await Grains.ExecuteOkAsync(new DepositCommand(account, 4_999));

        var reply = await Grains.ExecuteAsync(new DepositCommand(account, 2));

        Assert.Equal(LedgerErrorCode.BalanceLimitExceeded, reply.Result!.Error!.Code);
        Assert.Equal(9_999, await Grains.BalanceAsync(account));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Deposit_to_an_unknown_account_is_refused_and_creates_no_account()
    {
        var unknown = Guid.NewGuid();

        var reply = await Grains.ExecuteAsync(new DepositCommand(unknown, 10));

        Assert.Equal((LedgerErrorCode.AccountNotFound, "accountId"), (reply.Result!.Error!.Code, reply.Result.Error.Field));
        Assert.Null(await Grains.GetGrain<IAccountGrain>(unknown).GetAsync());
    }

    [Theory(Timeout = TestTimeouts.Host)]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(InMemoryClusterFixture.MaxOperationAmount + 1)]
    public async Task Amount_out_of_range_is_invalid_and_not_recorded(long amount)
    {
        var account = await Grains.OpenWithAsync(10);
        var key = LedgerActions.NewKey();

        var reply = await Grains.ExecuteAsync(new DepositCommand(account, amount), key);

        Assert.Equal((LedgerErrorCode.AmountOutOfRange, "amount"), (reply.Result!.Error!.Code, reply.Result.Error.Field));
        Assert.Null(await Grains.GetGrain<ILedgerOperationGrain>(key).GetAsync());
        Assert.Equal(10, await Grains.BalanceAsync(account));
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Entries_page_in_sequence_order_with_a_cursor()
    {
        var account = await Grains.OpenAsync();
        for (var i = 1; i <= 5; i++)
        {
            await Grains.ExecuteOkAsync(new DepositCommand(account, i));
        }

        var query = Grains.GetGrain<ILedgerQueryGrain>(0);
        var first = await query.GetEntriesAsync(account, 0, 2);
        var second = await query.GetEntriesAsync(account, first.NextAfterSequence!.Value, 2);
        var last = await query.GetEntriesAsync(account, second.NextAfterSequence!.Value, 2);

        Assert.Equal([1L, 2L], first.Items.Select(e => e.Sequence));
        Assert.Equal([3L, 4L], second.Items.Select(e => e.Sequence));
        Assert.Equal([5L], last.Items.Select(e => e.Sequence));
        Assert.Null(last.NextAfterSequence);
        Assert.Equal(15, last.Items[^1].BalanceAfter);
    }
}
