namespace MultiCloud.Workload;

/// <summary>
/// Checks a workload's history against a snapshot of the ledger (Jepsen-style, after the cluster is stable): one set
/// of invariants (<see cref="Invariant"/>) for the load benchmark, the bank drill and the SQL drill. A pure function:
/// the callers read the ledger and retry unknown outcomes (recording the answers as <c>retry</c> events) first.
/// </summary>
public static class HistoryChecker
{
    private const int MaxDetails = 20;

    /// <summary>Checks every invariant that the snapshot allows (money invariants only when it holds money).</summary>
    /// <param name="history">Every event of every client, and the checker's retries and replays.</param>
    /// <param name="ledger">The ledger on the final primary.</param>
    /// <param name="scope">The workload's accounts and funded total.</param>
    /// <param name="standby">The standby's ledger once it replayed up to the primary's position; null when not compared.</param>
    /// <returns>Counts and every violation, each naming its invariant.</returns>
    public static CheckReport Check(IReadOnlyList<HistoryEvent> history, LedgerSnapshot ledger, CheckScope scope, LedgerSnapshot? standby = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(scope);
        var violations = new List<Violation>();
        var begun = new Dictionary<string, HistoryEvent>(StringComparer.Ordinal);
        foreach (var e in history.Where(e => e.Kind == EventKind.Begin && e.Key is not null))
        {
            if (!begun.TryAdd(e.Key!, e) && (begun[e.Key!].From, begun[e.Key!].To, begun[e.Key!].Amount) != (e.From, e.To, e.Amount))
            {
                Add(violations, Invariant.HistoryWellFormed, $"key {e.Key} was begun for two transfers ({begun[e.Key!].Amount} and {e.Amount})");
            }
        }

        foreach (var orphan in history.Where(e => e.Kind is EventKind.Attempt or EventKind.End or EventKind.Retry or EventKind.Replay && (e.Key is null || !begun.ContainsKey(e.Key))))
        {
            Add(violations, Invariant.HistoryWellFormed, $"{orphan.Kind} of key {orphan.Key ?? "(none)"} by {orphan.Client} has no begin");
        }

        var ends = history.Where(e => e.Kind == EventKind.End && e.Key is not null).GroupBy(e => e.Key!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var retries = history.Where(e => e.Kind == EventKind.Retry && e.Key is not null).ToLookup(e => e.Key!, StringComparer.Ordinal);
        var replays = history.Where(e => e.Kind == EventKind.Replay && e.Key is not null).ToList();

        // Which ledger transfers belong to which key: by the stored key when the reader sees keys, else by the ids the
        // service answered with (to the client or to the checker's retry).
        var byKey = ledger.KeysKnown
            ? ledger.Transfers.GroupBy(t => t.Key!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal)
            : IdsByKey(ledger, ends, retries);
        var sides = ledger.Entries?.Where(e => e.Kind.StartsWith("transfer", StringComparison.Ordinal)).ToLookup(e => e.Operation);

        int acknowledged = 0, refused = 0, unknown = 0, unknownApplied = 0;
        foreach (var (key, first) in begun)
        {
            var rows = byKey.GetValueOrDefault(key) ?? [];
            var moved = sides is null ? [] : rows.SelectMany(t => sides[t.Id]).ToList();
            var end = ends.GetValueOrDefault(key);
            var outcome = end?.Outcome ?? OutcomeKind.Unknown;
            var appliedOnce = sides is null ? rows.Count == 1 : rows.Count == 1 && IsExactly(moved, first);
            var nothingMoved = sides is null ? rows.Count == 0 : NetsToZero(moved, first);

            if (rows.Count > 1 || moved.GroupBy(e => (e.Account, e.Kind)).Any(g => g.Count() > 1))
            {
                Add(violations, Invariant.KeyAppliedOnce, $"key {key} applied more than once: {Describe(rows, moved)}");
            }

            switch (outcome)
            {
                case OutcomeKind.Acknowledged:
                    acknowledged++;
                    if (!appliedOnce || (rows.Count == 1 && rows[0].Id != Guid.Empty && rows[0].Id != end!.TransferId))
                    {
                        Add(violations, Invariant.AcknowledgedAppliedOnce,
                            $"acknowledged transfer {key} ({first.Amount} from {first.From} to {first.To}, answered id {end!.TransferId}) is not in the ledger exactly once: {Describe(rows, moved)}");
                    }

                    break;
                case OutcomeKind.Failed:
                    refused++;
                    if (!nothingMoved)
                    {
                        Add(violations, Invariant.RefusedNeverApplied, $"refused transfer {key} (status {end!.Status}) moved money: {Describe(rows, moved)}");
                    }

                    break;
                default:
                    unknown++;
                    unknownApplied += appliedOnce ? 1 : 0;
                    if (!appliedOnce && !nothingMoved)
                    {
                        Add(violations, Invariant.NeverHalfApplied, $"transfer {key} of unknown outcome is half applied: {Describe(rows, moved)}");
                    }

                    if (scope.UnknownsRetried)
                    {
                        CheckRetries(key, retries[key].ToList(), rows, appliedOnce, nothingMoved, violations);
                    }

                    break;
            }
        }

        // One transfer id answered to two keys: each key looks applied once, yet one of them is not in the ledger.
        var answered = ends.Values.Concat(retries.SelectMany(g => g)).Where(e => e.TransferId != Guid.Empty && e.Status == 201)
            .GroupBy(e => e.TransferId).Where(g => g.Select(e => e.Key).Distinct(StringComparer.Ordinal).Count() > 1);
        foreach (var shared in answered)
        {
            Add(violations, Invariant.KeyAppliedOnce, $"transfer {shared.Key} was answered to keys {string.Join(", ", shared.Select(e => e.Key).Distinct(StringComparer.Ordinal))}");
        }

        var claimed = byKey.Where(p => begun.ContainsKey(p.Key)).SelectMany(p => p.Value).ToHashSet();
        foreach (var stranger in ledger.Transfers.Where(t => !claimed.Contains(t)))
        {
            Add(violations, Invariant.NoUnattemptedTransfer, $"transfer {stranger.Id} (key {stranger.Key ?? "not visible"}, {stranger.Status}) exists but no client of this history began it");
        }

        CheckReplays(replays, ends, violations);
        if (ledger.HoldsMoney)
        {
            CheckMoney(ledger, scope, violations);
        }

        var reads = history.Where(e => e.Kind == EventKind.Read).ToList();
        CheckReads(reads, violations);
        if (standby is not null && standby.Fingerprint != ledger.Fingerprint)
        {
            Add(violations, Invariant.CopiesIdentical, $"the standby's ledger ({standby.Fingerprint ?? "no fingerprint"}) differs from the primary's ({ledger.Fingerprint ?? "no fingerprint"})");
        }

        return new CheckReport(begun.Count, acknowledged, refused, unknown, unknownApplied, reads.Count, replays.Count, violations);
    }

    private static Dictionary<string, List<SnapshotTransfer>> IdsByKey(LedgerSnapshot ledger, Dictionary<string, HistoryEvent> ends, ILookup<string, HistoryEvent> retries)
    {
        var byId = ledger.Transfers.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First());
        var result = new Dictionary<string, List<SnapshotTransfer>>(StringComparer.Ordinal);
        foreach (var key in ends.Keys.Concat(retries.Select(g => g.Key)).Distinct(StringComparer.Ordinal))
        {
            var ids = retries[key].Append(ends.GetValueOrDefault(key)).Where(e => e is not null && e.TransferId != Guid.Empty).Select(e => e!.TransferId).Distinct();
            result[key] = [.. ids.Where(byId.ContainsKey).Select(id => byId[id])];
        }

        return result;
    }

    private static void CheckRetries(string key, List<HistoryEvent> retries, List<SnapshotTransfer> rows, bool appliedOnce, bool nothingMoved, List<Violation> violations)
    {
        var definite = retries.Where(r => r.IsDefinite).ToList();
        if (definite.Count == 0)
        {
            Add(violations, Invariant.OutcomesResolved, $"transfer {key} of unknown outcome never got a definite answer to the checker's retries ({retries.Count} sent, last status {retries.LastOrDefault()?.Status ?? 0})");
            return;
        }

        foreach (var retry in definite)
        {
            if (retry.Status == 201 && (!appliedOnce || (rows.Count == 1 && rows[0].Id != Guid.Empty && rows[0].Id != retry.TransferId)))
            {
                Add(violations, Invariant.RetryAnswersConsistent, $"a retry of {key} answered 201 (id {retry.TransferId}) but the ledger does not hold it exactly once: {rows.Count} transfers");
            }
            else if (retry.Status != 201 && !nothingMoved)
            {
                Add(violations, Invariant.RetryAnswersConsistent, $"a retry of {key} answered {retry.Status} (a refusal) but the ledger holds it applied: {rows.Count} transfers");
            }
        }
    }

    private static void CheckReplays(List<HistoryEvent> replays, Dictionary<string, HistoryEvent> ends, List<Violation> violations)
    {
        foreach (var replay in replays)
        {
            var original = ends.GetValueOrDefault(replay.Key!);
            if (original is null || original.Status != replay.Status || !replay.Replayed || !string.Equals(original.BodyHash, replay.BodyHash, StringComparison.Ordinal))
            {
                Add(violations, Invariant.ReplaysIdentical,
                    $"replay of {replay.Key} answered {replay.Status} (replayed: {replay.Replayed}, body {Short(replay.BodyHash)}) instead of the original {original?.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} (body {Short(original?.BodyHash)})");
            }
        }
    }

    private static void CheckMoney(LedgerSnapshot ledger, CheckScope scope, List<Violation> violations)
    {
        var entries = ledger.Entries!.ToLookup(e => e.Account);
        long total = 0;
        foreach (var account in scope.Accounts)
        {
            if (!ledger.Balances!.TryGetValue(account, out var balance))
            {
                Add(violations, Invariant.NoNegativeBalance, $"account {account} is missing from the ledger");
                continue;
            }

            total += balance;
            if (balance < 0)
            {
                Add(violations, Invariant.NoNegativeBalance, $"account {account} has a negative balance {balance}");
            }

            var own = entries[account].OrderBy(e => e.Sequence).ToList();
            var sum = own.Sum(e => e.Amount);
            var gap = own.Select((e, i) => e.Sequence != i + 1).Any(g => g);
            if (sum != balance || gap)
            {
                Add(violations, Invariant.EntriesReconcile,
                    $"account {account}: {own.Count} entries summing to {sum} with sequences {(own.Count == 0 ? "none" : string.Join(",", own.Select(e => e.Sequence).Take(MaxDetails)))} do not reconcile with balance {balance}");
            }
        }

        if (total != scope.FundedTotal)
        {
            Add(violations, Invariant.MoneyConserved, $"balances of the {scope.Accounts.Count} accounts sum to {total}, {scope.FundedTotal} was funded");
        }
    }

    /// <summary>
    /// A read that began after another read of the same client and account had returned must not see a lower
    /// sequence (the account's history only grows; a lower one is a stale copy served after a newer one).
    /// </summary>
    private static void CheckReads(List<HistoryEvent> reads, List<Violation> violations)
    {
        foreach (var group in reads.GroupBy(r => (r.Client, r.From)))
        {
            var byEnd = group.OrderBy(r => r.EndMs).ToList();
            var i = 0;
            var highest = long.MinValue;
            HistoryEvent? witness = null;
            foreach (var read in group.OrderBy(r => r.StartMs))
            {
                for (; i < byEnd.Count && byEnd[i].EndMs < read.StartMs; i++)
                {
                    if (byEnd[i].Sequence > highest)
                    {
                        highest = byEnd[i].Sequence;
                        witness = byEnd[i];
                    }
                }

                if (read.Sequence < highest)
                {
                    Add(violations, Invariant.ReadsMonotonic,
                        $"client {read.Client} read account {read.From} at sequence {read.Sequence} from {read.Target} after it had read sequence {highest} from {witness!.Target}");
                }
            }
        }
    }

    private static bool IsExactly(List<SnapshotEntry> moved, HistoryEvent transfer) => moved.Count == 2
        && moved.Any(e => e.Kind == "transferOut" && e.Account == transfer.From && e.Amount == -transfer.Amount)
        && moved.Any(e => e.Kind == "transferIn" && e.Account == transfer.To && e.Amount == transfer.Amount);

    private static bool NetsToZero(List<SnapshotEntry> moved, HistoryEvent transfer) =>
        !moved.Any(e => e.Kind == "transferIn") && moved.Sum(e => e.Amount) == 0 && moved.Where(e => e.Account == transfer.From).Sum(e => e.Amount) == 0;

    private static string Describe(List<SnapshotTransfer> rows, List<SnapshotEntry> moved) =>
        $"{rows.Count} transfers ({string.Join(", ", rows.Select(r => r.Status))}), entries [{string.Join(", ", moved.Select(e => $"{e.Kind} {e.Amount} on {e.Account}"))}]";

    private static string Short(string? hash) => hash is null ? "none" : hash[..Math.Min(12, hash.Length)];

    private static void Add(List<Violation> violations, Invariant invariant, string detail) => violations.Add(new Violation(invariant, detail));
}
