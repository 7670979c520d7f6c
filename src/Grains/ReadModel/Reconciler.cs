using System.Globalization;
using MultiCloud.Grains.Interfaces;

namespace MultiCloud.Grains.ReadModel;

/// <summary>
/// The reconciliation rules, shared by every read model: they receive aggregates and return issues, so the rules
/// exist once whatever stores the rows.
/// </summary>
public static class Reconciler
{
    /// <summary>Checks the aggregates and builds the report.</summary>
    /// <param name="aggregates">Accounts and transfers as read from the read model.</param>
    /// <param name="checkedAt">The time to stamp on the report.</param>
    public static ReconciliationReport Reconcile(LedgerAggregates aggregates, DateTimeOffset checkedAt)
    {
        var issues = new List<ReconciliationIssue>();
        var totals = new Dictionary<string, Totals>(StringComparer.Ordinal);
        long entries = 0;

        foreach (var account in aggregates.Accounts)
        {
            entries += account.EntryCount;
            CheckAccount(account, issues);
            var t = TotalsFor(totals, account.Currency);
            t.Accounts++;
            t.Balance += account.Balance;
            t.Deposits += account.Deposits;
            t.Withdrawals += account.Withdrawals;
        }

        long pending = 0;
        foreach (var transfer in aggregates.Transfers)
        {
            if (transfer.Status == TransferStatus.Pending)
            {
                pending++;
            }

            var inFlight = CheckTransfer(transfer, issues);
            if (inFlight != 0)
            {
                TotalsFor(totals, transfer.Currency).InFlight += inFlight;
            }
        }

        var currencies = new List<CurrencyTotals>(totals.Count);
        foreach (var (currency, t) in totals.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            currencies.Add(new CurrencyTotals(currency, t.Accounts, t.Balance, t.Deposits, t.Withdrawals, t.InFlight));
            if (t.Balance != t.Deposits - t.Withdrawals - t.InFlight)
            {
                issues.Add(new ReconciliationIssue(null, null, Text(
                    $"{currency}: balances sum to {t.Balance} but deposits {t.Deposits} - withdrawals {t.Withdrawals} - in flight {t.InFlight} = {t.Deposits - t.Withdrawals - t.InFlight}: money is not conserved."), ReconciliationInvariant.MoneyConserved));
            }
        }

        return new ReconciliationReport(checkedAt, aggregates.Accounts.Count, entries, aggregates.Transfers.Count, pending, currencies, issues);
    }

    private static void CheckAccount(AccountAggregate a, List<ReconciliationIssue> issues)
    {
        if (a.Balance != a.EntriesSum)
        {
            issues.Add(new ReconciliationIssue(a.AccountId, null, Text($"balance {a.Balance} differs from the sum of its entries {a.EntriesSum}."), ReconciliationInvariant.BalanceEqualsEntries));
        }

        if (a.Balance < 0)
        {
            issues.Add(new ReconciliationIssue(a.AccountId, null, Text($"balance {a.Balance} is negative."), ReconciliationInvariant.NonNegativeBalance));
        }

        var contiguous = a.EntryCount == 0
            ? a.LastSequence == 0
            : a.MinSequence == 1 && a.MaxSequence == a.EntryCount && a.LastSequence == a.EntryCount;
        if (!contiguous)
        {
            issues.Add(new ReconciliationIssue(a.AccountId, null, Text(
                $"entries are not numbered 1..{a.LastSequence} without gaps: {a.EntryCount} entries, sequences {a.MinSequence}..{a.MaxSequence}."), ReconciliationInvariant.EntriesContiguous));
        }
    }

    /// <returns>The money this transfer has in flight (debited, not yet credited or reversed).</returns>
    private static long CheckTransfer(TransferAggregate t, List<ReconciliationIssue> issues)
    {
        var net = t.OutSum + t.InSum + t.ReversalSum;
        switch (t.Status)
        {
            case null:
                issues.Add(new ReconciliationIssue(null, t.TransferId, Text(
                    $"entries exist for transfer {t.TransferId} (out {t.OutSum}, in {t.InSum}, reversal {t.ReversalSum}) but no transfer record."), ReconciliationInvariant.TransferRecorded));
                return 0;
            case TransferStatus.Completed:
                if (t.OutCount != 1 || t.InCount != 1 || t.ReversalCount != 0 || t.OutSum != -t.Amount || t.InSum != t.Amount)
                {
                    issues.Add(new ReconciliationIssue(null, t.TransferId, Text(
                        $"completed transfer of {t.Amount} has out {t.OutCount}x/{t.OutSum}, in {t.InCount}x/{t.InSum}, reversal {t.ReversalCount}x/{t.ReversalSum}; expected exactly one debit and one credit."), ReconciliationInvariant.CompletedTransferPostedOnce));
                }

                return 0;
            case TransferStatus.Rejected:
                if (t.InCount != 0 || t.OutCount != t.ReversalCount || t.OutCount > 1 || net != 0)
                {
                    issues.Add(new ReconciliationIssue(null, t.TransferId, Text(
                        $"rejected transfer of {t.Amount} has out {t.OutCount}x/{t.OutSum}, in {t.InCount}x/{t.InSum}, reversal {t.ReversalCount}x/{t.ReversalSum}; expected no net movement."), ReconciliationInvariant.RejectedTransferMovedNothing));
                }

                return 0;
            default:
                if (t.OutCount > 1 || t.InCount > 1 || t.ReversalCount > 1 || net > 0 || -net > t.Amount)
                {
                    issues.Add(new ReconciliationIssue(null, t.TransferId, Text(
                        $"pending transfer of {t.Amount} has out {t.OutCount}x/{t.OutSum}, in {t.InCount}x/{t.InSum}, reversal {t.ReversalCount}x/{t.ReversalSum}."), ReconciliationInvariant.PendingTransferWithinAmount));
                }

                return -net;
        }
    }

    private static Totals TotalsFor(Dictionary<string, Totals> totals, string currency)
    {
        if (!totals.TryGetValue(currency, out var t))
        {
            t = new Totals();
            totals[currency] = t;
        }

        return t;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class Totals
    {
        public long Accounts;
        public long Balance;
        public long Deposits;
        public long Withdrawals;
        public long InFlight;
    }
}
