using MultiCloud.Tests.Infrastructure;
using MultiCloud.Workload;
using Xunit;

namespace MultiCloud.Tests.Workload;

/// <summary>
/// The shared checker is fed one consistent history and ledger (it must pass), then, for each invariant, a history or
/// ledger that breaks it (it must fail naming that invariant). A checker that always answered "consistent" fails here.
/// </summary>
public sealed class HistoryCheckerTests
{
    /// <summary>Invariants checked by the callers against the service, not by the pure checker; their negative tests
    /// are the reconciler's (<c>ReconcilerTests</c>) and the drills'.</summary>
    private static readonly Invariant[] CheckedByCallers = [Invariant.NothingPending, Invariant.ServiceReconciliationClean];

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task A_consistent_history_passes_with_its_counts()
    {
        var bank = new Bank();

        var report = HistoryChecker.Check(bank.History, bank.Ledger(), bank.Scope, bank.Ledger());

        Assert.Empty(report.Violations);
        Assert.Equal((4, 1, 1, 2, 1, 2, 1), (report.Attempted, report.Acknowledged, report.Refused, report.Unknown, report.UnknownApplied, report.Reads, report.Replays));
        return Task.CompletedTask;
    }

    public static TheoryData<Invariant> Broken => [.. Enum.GetValues<Invariant>().Except(CheckedByCallers)];

    [Theory(Timeout = TestTimeouts.Unit)]
    [MemberData(nameof(Broken))]
    public Task A_history_or_ledger_that_breaks_an_invariant_fails_naming_it(Invariant invariant)
    {
        var bank = new Bank();
        var scope = bank.Scope;
        LedgerSnapshot? standby = null;
        var only = true;
        switch (invariant)
        {
            case Invariant.AcknowledgedAppliedOnce:
                bank.Applied.RemoveAll(a => a.Key == "t1");
                break;
            case Invariant.RefusedNeverApplied:
                bank.Applied.Add(new Applied(Bank.T2, "t2", Bank.B, Bank.C, 500));
                break;
            case Invariant.KeyAppliedOnce:
                bank.Applied.Add(new Applied(Guid.NewGuid(), "t1", Bank.A, Bank.B, 100));
                only = false; // the acknowledged transfer is then not applied exactly once either
                break;
            case Invariant.NeverHalfApplied:
                bank.Applied.Add(new Applied(Guid.NewGuid(), "t4", Bank.B, Bank.A, 30, CreditMissing: true));
                only = false; // a debit without its credit also loses money and contradicts the retry's refusal
                break;
            case Invariant.NoUnattemptedTransfer:
                bank.Applied.Add(new Applied(Guid.NewGuid(), "nobody-began-this", Bank.A, Bank.B, 10));
                break;
            case Invariant.HistoryWellFormed:
                bank.History.RemoveAll(e => e.Kind == EventKind.Begin && e.Key == "t1");
                only = false; // the acknowledged transfer t1 is then in the ledger though no client began it
                break;
            case Invariant.OutcomesResolved:
                bank.History.RemoveAll(e => e.Kind == EventKind.Retry && e.Key == "t4");
                break;
            case Invariant.RetryAnswersConsistent:
                bank.Replace(e => e.Kind == EventKind.Retry && e.Key == "t3", e => e with { Status = 409, TransferId = Guid.Empty });
                break;
            case Invariant.ReplaysIdentical:
                bank.Replace(e => e.Kind == EventKind.Replay, e => e with { BodyHash = "0BADC0DE" });
                break;
            case Invariant.MoneyConserved:
                scope = scope with { FundedTotal = scope.FundedTotal + 1 };
                break;
            case Invariant.NoNegativeBalance:
                bank.Acknowledge("t5", Bank.A, Bank.B, 1_500); // A ends at -550; money conserved, entries reconcile
                break;
            case Invariant.EntriesReconcile:
                bank.BalanceSkew[Bank.A] = 1;
                bank.BalanceSkew[Bank.B] = -1;
                break;
            case Invariant.ReadsMonotonic:
                bank.Replace(e => e.Kind == EventKind.Read && e.Sequence == 3, e => e with { Sequence = 1 });
                break;
            case Invariant.CopiesIdentical:
                standby = bank.Ledger() with { Fingerprint = "another copy" };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(invariant), invariant, "no broken case for this invariant: add one");
        }

        var primary = bank.Ledger();
        var report = HistoryChecker.Check(bank.History, primary, scope, standby ?? primary);

        Assert.Contains(report.Violations, v => v.Invariant == invariant && v.ToString().StartsWith(invariant.ToString(), StringComparison.Ordinal));
        if (only)
        {
            Assert.All(report.Violations, v => Assert.Equal(invariant, v.Invariant));
        }

        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Through_the_API_without_keys_a_lost_acknowledged_transfer_and_a_stranger_are_found_by_id()
    {
        var bank = new Bank();
        var consistent = bank.Ledger(keys: false);
        Assert.Empty(HistoryChecker.Check(bank.History, consistent, bank.Scope).Violations);

        bank.Applied.RemoveAll(a => a.Key == "t1");
        bank.Applied.Add(new Applied(Guid.NewGuid(), "unseen", Bank.A, Bank.B, 100));
        var report = HistoryChecker.Check(bank.History, bank.Ledger(keys: false), bank.Scope);

        Assert.Contains(report.Violations, v => v.Invariant == Invariant.AcknowledgedAppliedOnce);
        Assert.Contains(report.Violations, v => v.Invariant == Invariant.NoUnattemptedTransfer);
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Plain_rows_check_presence_without_money_and_without_retries()
    {
        HistoryEvent Row(string kind, long id, string? outcome = null) =>
            new(kind, "w", 0, $"row-{id}", Guid.Empty, Guid.Empty, 0, id, id, 0, outcome, null, Guid.Empty, 0, 0, null);
        List<HistoryEvent> history = [Row(EventKind.Begin, 1), Row(EventKind.End, 1, OutcomeKind.Acknowledged), Row(EventKind.Begin, 2), Row(EventKind.End, 2, OutcomeKind.Failed), Row(EventKind.Begin, 3)];
        LedgerSnapshot Rows(params long[] ids) => new([.. ids.Select(id => new SnapshotTransfer(Guid.Empty, $"row-{id}", "row"))], null, null, string.Join(",", ids));

        Assert.Empty(HistoryChecker.Check(history, Rows(1, 3), CheckScope.Rows, Rows(1, 3)).Violations);
        Assert.Equal(
            [Invariant.AcknowledgedAppliedOnce, Invariant.RefusedNeverApplied, Invariant.NoUnattemptedTransfer, Invariant.CopiesIdentical],
            HistoryChecker.Check(history, Rows(2, 9), CheckScope.Rows, Rows(2)).Violations.Select(v => v.Invariant));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task A_refused_transfer_whose_debit_was_reversed_moved_nothing_and_passes()
    {
        var bank = new Bank();
        bank.Applied.Add(new Applied(Bank.T2, "t2", Bank.B, Bank.C, 500, Reversed: true));
        bank.Replace(e => e.Kind == EventKind.End && e.Key == "t2", e => e with { TransferId = Bank.T2 });

        Assert.Empty(HistoryChecker.Check(bank.History, bank.Ledger(), bank.Scope).Violations);
        Assert.Empty(HistoryChecker.Check(bank.History, bank.Ledger(keys: false), bank.Scope).Violations);
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task A_retry_answered_201_for_a_transfer_the_ledger_does_not_hold_fails()
    {
        var bank = new Bank();
        bank.Applied.RemoveAll(a => a.Key == "t3");

        var report = HistoryChecker.Check(bank.History, bank.Ledger(), bank.Scope);

        Assert.Equal([Invariant.RetryAnswersConsistent], report.Violations.Select(v => v.Invariant));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task An_acknowledgement_without_the_ledgers_id_fails()
    {
        var bank = new Bank();
        bank.Replace(e => e.Kind == EventKind.End && e.Key == "t1", e => e with { TransferId = Guid.Empty });

        var report = HistoryChecker.Check(bank.History, bank.Ledger(), bank.Scope);

        Assert.Equal([Invariant.AcknowledgedAppliedOnce], report.Violations.Select(v => v.Invariant));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Two_keys_answered_with_one_transfer_id_fail_even_where_keys_are_not_visible()
    {
        var bank = new Bank();
        bank.Acknowledge("t5", Bank.A, Bank.B, 100);
        bank.Applied.RemoveAll(a => a.Key == "t5"); // t5's transfer is lost ...
        bank.Replace(e => e.Kind == EventKind.End && e.Key == "t5", e => e with { TransferId = Bank.T1 }); // ... and it was answered with t1's id

        var report = HistoryChecker.Check(bank.History, bank.Ledger(keys: false), bank.Scope);

        Assert.Contains(report.Violations, v => v.Invariant == Invariant.KeyAppliedOnce && v.Detail.Contains("t1, t5", StringComparison.Ordinal));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task One_key_begun_for_two_different_transfers_fails_as_a_malformed_history()
    {
        var bank = new Bank();
        var begin = bank.History.First(e => e.Kind == EventKind.Begin && e.Key == "t1");
        bank.History.Add(begin with { Amount = begin.Amount + 1 });

        var report = HistoryChecker.Check(bank.History, bank.Ledger(), bank.Scope);

        Assert.Equal([Invariant.HistoryWellFormed], report.Violations.Select(v => v.Invariant));
        return Task.CompletedTask;
    }

    /// <summary>One transfer the ledger applied (or, with <paramref name="CreditMissing"/>, half applied).</summary>
    private sealed record Applied(Guid Id, string Key, Guid From, Guid To, long Amount, bool CreditMissing = false, bool Reversed = false);

    /// <summary>
    /// Three accounts funded with 1,000 each; t1 acknowledged (A→B 100), t2 refused (B→C 500), t3 unknown then
    /// answered 201 on retry (C→A 50), t4 unknown then refused on retry; two reads of A by one client; one replay of t1.
    /// </summary>
    private sealed class Bank
    {
        public static readonly Guid A = Guid.Parse("0000000a-0000-0000-0000-000000000000");
        public static readonly Guid B = Guid.Parse("0000000b-0000-0000-0000-000000000000");
        public static readonly Guid C = Guid.Parse("0000000c-0000-0000-0000-000000000000");
        public static readonly Guid T1 = Guid.Parse("00000001-0000-0000-0000-0000000000f1");
        public static readonly Guid T2 = Guid.Parse("00000002-0000-0000-0000-0000000000f2");
        public static readonly Guid T3 = Guid.Parse("00000003-0000-0000-0000-0000000000f3");

        public Bank()
        {
            Transfer("t1", A, B, 100, 201, OutcomeKind.Acknowledged, T1, "H1");
            Transfer("t2", B, C, 500, 409, OutcomeKind.Failed, Guid.Empty, "H2");
            Transfer("t3", C, A, 50, 0, OutcomeKind.Unknown, Guid.Empty, null);
            Transfer("t4", B, A, 30, 0, OutcomeKind.Unknown, Guid.Empty, null);
            History.Add(Event(EventKind.Retry, "t3", C, A, 50, 201) with { TransferId = T3 });
            History.Add(Event(EventKind.Retry, "t4", B, A, 30, 409));
            History.Add(Event(EventKind.Read, null, A, Guid.Empty, 0, 200) with { StartMs = 10, EndMs = 20, Sequence = 2 });
            History.Add(Event(EventKind.Read, null, A, Guid.Empty, 0, 200) with { StartMs = 30, EndMs = 40, Sequence = 3 });
            History.Add(Event(EventKind.Replay, "t1", A, B, 100, 201) with { BodyHash = "H1", Replayed = true });
            Applied.Add(new Applied(T1, "t1", A, B, 100));
            Applied.Add(new Applied(T3, "t3", C, A, 50));
        }

        public List<HistoryEvent> History { get; } = [];

        public List<Applied> Applied { get; } = [];

        public Dictionary<Guid, long> BalanceSkew { get; } = [];

        public CheckScope Scope { get; } = new([A, B, C], 3_000);

        /// <summary>Adds a transfer the client saw acknowledged and the ledger applied.</summary>
        public void Acknowledge(string key, Guid from, Guid to, long amount)
        {
            var id = Guid.NewGuid();
            Transfer(key, from, to, amount, 201, OutcomeKind.Acknowledged, id, null);
            Applied.Add(new Applied(id, key, from, to, amount));
        }

        public void Replace(Func<HistoryEvent, bool> match, Func<HistoryEvent, HistoryEvent> change)
        {
            var i = History.FindIndex(e => match(e));
            Assert.True(i >= 0, "the event to break is in the history");
            History[i] = change(History[i]);
        }

        /// <summary>The ledger the applied transfers make: deposits of 1,000 first, then each transfer's entries in order.</summary>
        public LedgerSnapshot Ledger(bool keys = true)
        {
            var entries = new List<SnapshotEntry>();
            var balances = new Dictionary<Guid, long>();
            void Post(Guid account, Guid operation, string kind, long amount)
            {
                entries.Add(new SnapshotEntry(account, entries.Count(e => e.Account == account) + 1, operation, kind, amount));
                balances[account] = balances.GetValueOrDefault(account) + amount;
            }

            foreach (var account in new[] { A, B, C })
            {
                Post(account, Guid.NewGuid(), "deposit", 1_000);
            }

            foreach (var a in Applied)
            {
                Post(a.From, a.Id, "transferOut", -a.Amount);
                if (a.Reversed)
                {
                    Post(a.From, a.Id, "transferReversal", a.Amount);
                }
                else if (!a.CreditMissing)
                {
                    Post(a.To, a.Id, "transferIn", a.Amount);
                }
            }

            foreach (var (account, skew) in BalanceSkew)
            {
                balances[account] += skew;
            }

            return new LedgerSnapshot([.. Applied.Select(a => new SnapshotTransfer(a.Id, keys ? a.Key : null, a.Reversed ? "rejected" : "completed"))], balances, entries, "copy");
        }

        private void Transfer(string key, Guid from, Guid to, long amount, int status, string outcome, Guid id, string? hash)
        {
            History.Add(Event(EventKind.Begin, key, from, to, amount, 0));
            History.Add(Event(EventKind.End, key, from, to, amount, status) with { Outcome = outcome, TransferId = id, BodyHash = hash });
        }

        private static HistoryEvent Event(string kind, string? key, Guid from, Guid to, long amount, int status) =>
            new(kind, "a", 0, key, from, to, amount, 0, 0, status, null, "silo-a0", Guid.Empty, 0, 0, null);
    }
}
