using MultiCloud.Grains.Interfaces;
using MultiCloud.Grains.ReadModel;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Grains;

/// <summary>
/// The service's reconciliation (<c>GET /ledger/reconcile</c>) is fed a consistent ledger (no issue) and, for each of
/// its rules, a ledger that breaks it (an issue naming that rule). A reconciler that always answered "consistent"
/// fails here; PostgreSQL's aggregates feeding it are covered by the durability tests.
/// </summary>
public sealed class ReconcilerTests
{
    private static readonly Guid A = Guid.Parse("0000000a-0000-0000-0000-000000000000");
    private static readonly Guid B = Guid.Parse("0000000b-0000-0000-0000-000000000000");
    private static readonly Guid T = Guid.Parse("00000001-0000-0000-0000-0000000000f1");
    private static readonly DateTimeOffset At = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A deposited 1,000 and sent B 100: A 900 (2 entries), B 100 (1 entry), one completed transfer.</summary>
    private static AccountAggregate AccountA => new(A, "EUR", 900, 2, 2, 900, 1, 2, 1_000, 0);

    private static AccountAggregate AccountB => new(B, "EUR", 100, 1, 1, 100, 1, 1, 0, 0);

    private static TransferAggregate Completed => new(T, TransferStatus.Completed, 100, "EUR", 1, -100, 1, 100, 0, 0);

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task A_consistent_ledger_has_no_issue()
    {
        var report = Reconciler.Reconcile(new LedgerAggregates([AccountA, AccountB], [Completed]), At);

        Assert.True(report.IsConsistent);
        Assert.Equal(1_000, Assert.Single(report.Currencies).TotalBalance);
        return Task.CompletedTask;
    }

    public static TheoryData<string> Rules => [.. typeof(ReconciliationInvariant).GetFields().Select(f => (string)f.GetRawConstantValue()!)];

    [Theory(Timeout = TestTimeouts.Unit)]
    [MemberData(nameof(Rules))]
    public Task A_ledger_that_breaks_a_rule_is_reported_naming_it(string rule)
    {
        var a = AccountA;
        var b = AccountB;
        var transfer = Completed;
        var only = true;
        switch (rule)
        {
            case ReconciliationInvariant.BalanceEqualsEntries:
                a = a with { EntriesSum = 901 };
                break;
            case ReconciliationInvariant.NonNegativeBalance:
                a = a with { Balance = -100, EntriesSum = -100, Deposits = 0 }; // still conserved: -100 + 100 = 0 deposited
                break;
            case ReconciliationInvariant.EntriesContiguous:
                a = a with { MaxSequence = 3 };
                break;
            case ReconciliationInvariant.TransferRecorded:
                transfer = transfer with { Status = null, Amount = 0, Currency = "" };
                break;
            case ReconciliationInvariant.CompletedTransferPostedOnce:
                transfer = transfer with { InCount = 2 };
                break;
            case ReconciliationInvariant.RejectedTransferMovedNothing:
                transfer = transfer with { Status = TransferStatus.Rejected };
                break;
            case ReconciliationInvariant.PendingTransferWithinAmount:
                transfer = transfer with { Status = TransferStatus.Pending, InCount = 0, InSum = 0, OutCount = 2, OutSum = -200 };
                only = false; // 200 in flight that the balances do not show also breaks conservation
                break;
            case ReconciliationInvariant.MoneyConserved:
                a = a with { Deposits = 1_001 };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, "no broken case for this rule: add one");
        }

        var report = Reconciler.Reconcile(new LedgerAggregates([a, b], [transfer]), At);

        Assert.False(report.IsConsistent);
        Assert.Contains(report.Issues, i => i.Invariant == rule);
        if (only)
        {
            Assert.All(report.Issues, i => Assert.Equal(rule, i.Invariant));
        }

        return Task.CompletedTask;
    }
}
