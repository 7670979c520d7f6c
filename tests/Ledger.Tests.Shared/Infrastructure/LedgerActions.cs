using MultiCloud.Grains.Interfaces;
using Xunit;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>Short ways to drive the ledger through its operation grains, asserting the happy path.</summary>
public static class LedgerActions
{
    /// <summary>Opens an account and returns its id.</summary>
    public static async Task<Guid> OpenAsync(this IGrainFactory grains, string currency = "EUR", string owner = "Ada")
    {
        var reply = await grains.GetGrain<ILedgerOperationGrain>(NewKey()).ExecuteAsync(new OpenAccountCommand(owner, currency));
        Assert.Equal(OperationReplyStatus.Completed, reply.Status);
        return reply.Result!.Account!.Id;
    }

    /// <summary>Opens an account and deposits <paramref name="amount"/>.</summary>
    public static async Task<Guid> OpenWithAsync(this IGrainFactory grains, long amount, string currency = "EUR")
    {
        var id = await grains.OpenAsync(currency);
        await grains.ExecuteOkAsync(new DepositCommand(id, amount));
        return id;
    }

    /// <summary>Executes a command under a fresh key and asserts it completed without refusal.</summary>
    public static async Task<LedgerOperationResult> ExecuteOkAsync(this IGrainFactory grains, LedgerCommand command, string? key = null)
    {
        var reply = await grains.GetGrain<ILedgerOperationGrain>(key ?? NewKey()).ExecuteAsync(command);
        Assert.Equal(OperationReplyStatus.Completed, reply.Status);
        Assert.Null(reply.Result!.Error);
        return reply.Result;
    }

    /// <summary>Executes a command under a key (fresh by default) and returns the reply.</summary>
    public static Task<OperationReply> ExecuteAsync(this IGrainFactory grains, LedgerCommand command, string? key = null)
        => grains.GetGrain<ILedgerOperationGrain>(key ?? NewKey()).ExecuteAsync(command);

    /// <summary>The balance of an account.</summary>
    public static async Task<long> BalanceAsync(this IGrainFactory grains, Guid account)
        => (await grains.GetGrain<IAccountGrain>(account).GetAsync())!.Balance;

    /// <summary>Reconciles and asserts the ledger is consistent.</summary>
    public static async Task<ReconciliationReport> AssertReconcilesAsync(this IGrainFactory grains)
    {
        var report = await grains.GetGrain<ILedgerQueryGrain>(0).ReconcileAsync();
        Assert.True(report.IsConsistent, string.Join("\n", report.Issues.Select(i => i.Reason)));
        return report;
    }

    /// <summary>All entries of an account.</summary>
    public static async Task<IReadOnlyList<LedgerEntry>> EntriesAsync(this IGrainFactory grains, Guid account)
        => (await grains.GetGrain<ILedgerQueryGrain>(0).GetEntriesAsync(account, 0, 1000)).Items;

    /// <summary>A fresh idempotency key.</summary>
    public static string NewKey() => Guid.NewGuid().ToString();
}
