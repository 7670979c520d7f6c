using MultiCloud.LoadTool;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Load;

/// <summary>
/// The load tool at a small size as a correctness test (no timing assertion): the service on PostgreSQL passes its
/// checks, and the checker notices money that moved outside the run.
/// </summary>
public sealed class LoadToolTests(PostgresServer postgres)
{
    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_thousand_transfers_on_PostgreSQL_pass_every_check_of_the_load_tool()
    {
        await using var api = await ApiHost.StartAsync(await postgres.CreateDatabaseAsync());
        var options = Options(api);

        var report = await new LoadRunner(options).RunAsync(TestContext.Current.CancellationToken);

        var verification = Assert.IsType<VerificationResult>(report.Verification);
        Assert.Empty(verification.Violations);
        Assert.True(report.Passed);
        Assert.Equal(1_000, verification.Acknowledged + verification.Refused);
        Assert.Equal(options.Accounts * options.InitialBalance, verification.ObservedTotal);
        Assert.Equal(1_000, report.Operations.Single(o => o.Kind == OperationKind.Transfer).Ok);
        Assert.True(verification.ReplaysChecked > 0);
        Assert.True(verification.EntriesChecked >= options.Accounts + 2 * verification.Acknowledged);
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task The_checker_reports_money_that_moved_outside_the_run()
    {
        await using var api = await ApiHost.StartAsync(await postgres.CreateDatabaseAsync());
        var options = Options(api) with
        {
            Transfers = 200,
            AfterMainCallback = async (accounts, _) =>
            {
                using var deposit = await api.PostAsync($"/accounts/{accounts[0]}/deposits", new { amount = 7 }, LedgerActions.NewKey());
                using var transfer = await api.PostAsync("/transfers", new { fromAccountId = accounts[1], toAccountId = accounts[2], amount = 3 }, LedgerActions.NewKey());
                deposit.EnsureSuccessStatusCode();
                transfer.EnsureSuccessStatusCode();
            },
        };

        var report = await new LoadRunner(options).RunAsync(TestContext.Current.CancellationToken);

        Assert.False(report.Passed);
        var violations = report.Verification!.Violations;
        Assert.Contains(violations, v => v.StartsWith("MoneyConserved: ", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("NoUnattemptedTransfer: ", StringComparison.Ordinal));
    }

    private static LoadOptions Options(ApiHost api) => new()
    {
        Target = api.Client.BaseAddress!,
        Accounts = 40,
        Transfers = 1_000,
        Concurrency = 8,
        ReadRatio = 0.2,
        InitialBalance = 10_000,
        Live = false,
        RunId = $"ci-{Guid.NewGuid():N}"[..16],
    };
}
