using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using MultiCloud.Workload;

namespace MultiCloud.LoadTool;

/// <summary>
/// Checks the ledger after a run, through the public API only: writes the run as a workload history (begin and end of
/// every transfer), retries every unknown outcome with its key and replays a sample of answered ones (both recorded as
/// events), reads every account's balance and entries, and hands them to the shared <see cref="HistoryChecker"/>; then
/// checks that each replayed key maps to its one transfer and that the server's reconciliation agrees.
/// </summary>
internal sealed class Verifier(LedgerHttpClient client, LoadOptions options, OperationStats stats)
{
    private const int ReplaySample = 200;
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(60);

    public async Task<VerificationResult> VerifyAsync(Guid[] accounts, TransferPlan[] plan, TransferOutcome?[] outcomes, CancellationToken ct)
    {
        var violations = new List<Violation>();
        var runner = new LoadRunner(options);
        var history = History(accounts, plan, outcomes, runner);
        var retries = await ResolveUnknownAsync(accounts, plan, outcomes, runner, ct);
        var replays = await ReplayAsync(accounts, plan, outcomes, runner, violations, ct);

        var balances = new long[accounts.Length];
        var entries = new List<SnapshotEntry>[accounts.Length];
        await ForEachAsync(accounts.Length, async i =>
        {
            balances[i] = JsonDocument.Parse((await GetAsync($"/accounts/{accounts[i]}", ct)).Body).RootElement.GetProperty("balance").GetInt64();
            entries[i] = await EntriesAsync(accounts[i], ct);
        }, ct);

        var all = entries.SelectMany(e => e).ToList();
        var transfers = all.Where(e => e.Kind.StartsWith("transfer", StringComparison.Ordinal)).Select(e => e.Operation).Distinct()
            .Select(id => new SnapshotTransfer(id, null, "seen in entries")).ToList();
        var snapshot = new LedgerSnapshot(transfers, accounts.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => balances[p.i]), all);
        var expectedTotal = options.InitialBalance * accounts.Length;
        var report = HistoryChecker.Check([.. history, .. retries, .. replays], snapshot, new CheckScope(accounts, expectedTotal));
        violations.AddRange(report.Violations);
        await CheckReconciliationAsync(expectedTotal, violations, ct);

        return new VerificationResult(report.Acknowledged + retries.Count(r => r.Status == 201), report.Refused + retries.Count(r => r.IsDefinite && r.Status != 201),
            retries.Count(r => r.IsDefinite), expectedTotal, balances.Sum(), all.Count, replays.Count, [.. violations.Select(v => v.ToString())]);
    }

    /// <summary>The run as history events: the begin and the client's end of every planned transfer that was sent.</summary>
    private static List<HistoryEvent> History(Guid[] accounts, TransferPlan[] plan, TransferOutcome?[] outcomes, LoadRunner runner)
    {
        var history = new List<HistoryEvent>();
        for (var i = 0; i < plan.Length; i++)
        {
            if (outcomes[i] is not { } outcome)
            {
                continue;
            }

            var (key, from, to, amount) = (runner.TransferKey(i), accounts[plan[i].From], accounts[plan[i].To], plan[i].Amount);
            history.Add(new HistoryEvent(EventKind.Begin, "load", 0, key, from, to, amount, 0, 0, 0, null, null, Guid.Empty, 0, 0, null));
            var result = outcome.Status == 0 ? OutcomeKind.Unknown : outcome.Acknowledged ? OutcomeKind.Acknowledged : OutcomeKind.Failed;
            history.Add(new HistoryEvent(EventKind.End, "load", 0, key, from, to, amount, 0, 0, outcome.Status, result, null, outcome.TransferId, 0, 0, null,
                outcome.BodyHash is null ? null : Convert.ToHexString(outcome.BodyHash)));
        }

        return history;
    }

    private async Task<List<HistoryEvent>> ResolveUnknownAsync(Guid[] accounts, TransferPlan[] plan, TransferOutcome?[] outcomes, LoadRunner runner, CancellationToken ct)
    {
        var retries = new List<HistoryEvent>();
        for (var i = 0; i < plan.Length; i++)
        {
            if (outcomes[i] is not { Status: 0 })
            {
                continue;
            }

            var deadline = Stopwatch.StartNew();
            Answer answer;
            do
            {
                answer = await client.SendAsync(HttpMethod.Post, "/transfers", LoadRunner.TransferBody(accounts, plan[i]), runner.TransferKey(i), stats, ct);
            }
            while (!answer.IsDefinite && deadline.Elapsed < ResolveTimeout);

            var resolved = new TransferOutcome();
            LoadRunner.Record(resolved, answer);
            retries.Add(new HistoryEvent(EventKind.Retry, "checker", 0, runner.TransferKey(i), accounts[plan[i].From], accounts[plan[i].To], plan[i].Amount, 0, 0,
                answer.IsDefinite ? answer.Status : 0, null, null, resolved.TransferId, 0, 0, null));
        }

        return retries;
    }

    /// <summary>Sends a sample of answered transfers again with their keys; each answer becomes a <c>replay</c> event, and
    /// the key's lookup must name the one transfer it was answered with.</summary>
    private async Task<List<HistoryEvent>> ReplayAsync(Guid[] accounts, TransferPlan[] plan, TransferOutcome?[] outcomes, LoadRunner runner, List<Violation> violations, CancellationToken ct)
    {
        var answered = Enumerable.Range(0, plan.Length).Where(i => outcomes[i] is { Status: not 0 }).ToList();
        var sample = answered.Where((_, n) => n % Math.Max(1, answered.Count / ReplaySample) == 0).Take(ReplaySample).ToList();
        var replays = new List<HistoryEvent>();
        foreach (var i in sample)
        {
            var outcome = outcomes[i]!;
            var key = runner.TransferKey(i);
            var replay = await client.SendAsync(HttpMethod.Post, "/transfers", LoadRunner.TransferBody(accounts, plan[i]), key, stats, ct);
            replays.Add(new HistoryEvent(EventKind.Replay, "checker", 0, key, accounts[plan[i].From], accounts[plan[i].To], plan[i].Amount, 0, 0, replay.Status, null, null,
                Guid.Empty, 0, 0, null, Convert.ToHexString(SHA256.HashData(replay.Body)), replay.Replayed));

            var lookup = await GetAsync($"/transfers?idempotencyKey={key}", ct);
            if (lookup.Status != 200 || JsonDocument.Parse(lookup.Body).RootElement.GetProperty("id").GetGuid() != outcome.TransferId)
            {
                violations.Add(new Violation(Invariant.KeyAppliedOnce, $"key {key} does not map to its one transfer {outcome.TransferId} (lookup answered {lookup.Status})"));
            }
        }

        return replays;
    }

    private async Task CheckReconciliationAsync(long expectedTotal, List<Violation> violations, CancellationToken ct)
    {
        var report = JsonDocument.Parse((await GetAsync("/ledger/reconcile", ct)).Body).RootElement;
        if (!report.GetProperty("isConsistent").GetBoolean())
        {
            var issues = report.GetProperty("issues").EnumerateArray().Take(5).Select(i => i.GetProperty("reason").GetString());
            violations.Add(new Violation(Invariant.ServiceReconciliationClean, $"the server's reconciliation found issues: {string.Join("; ", issues)}"));
        }

        if (report.GetProperty("pendingTransfers").GetInt64() != 0)
        {
            violations.Add(new Violation(Invariant.NothingPending, $"{report.GetProperty("pendingTransfers").GetInt64()} transfers are still pending after the run"));
        }

        var currency = report.GetProperty("currencies").EnumerateArray().FirstOrDefault(c => c.GetProperty("currency").GetString() == options.Currency);
        if (currency.ValueKind == JsonValueKind.Object && currency.GetProperty("totalBalance").GetInt64() < expectedTotal)
        {
            violations.Add(new Violation(Invariant.MoneyConserved, $"the server's total {options.Currency} balance {currency.GetProperty("totalBalance").GetInt64()} is below the {expectedTotal} this run funded"));
        }
    }

    private async Task<List<SnapshotEntry>> EntriesAsync(Guid account, CancellationToken ct)
    {
        var entries = new List<SnapshotEntry>();
        long after = 0;
        while (true)
        {
            var page = JsonDocument.Parse((await GetAsync($"/accounts/{account}/entries?afterSequence={after}&limit=1000", ct)).Body).RootElement;
            foreach (var e in page.GetProperty("items").EnumerateArray())
            {
                entries.Add(new SnapshotEntry(account, e.GetProperty("sequence").GetInt64(), e.GetProperty("operationId").GetGuid(), e.GetProperty("kind").GetString()!, e.GetProperty("amount").GetInt64()));
            }

            if (page.GetProperty("nextAfterSequence").ValueKind == JsonValueKind.Null)
            {
                return entries;
            }

            after = page.GetProperty("nextAfterSequence").GetInt64();
        }
    }

    private async Task<Answer> GetAsync(string path, CancellationToken ct)
    {
        var answer = await client.SendAsync(HttpMethod.Get, path, null, null, stats, ct);
        return answer.Status is 200 or 404 ? answer : throw new InvalidOperationException($"GET {path} answered {answer.Status} during verification");
    }

    private Task ForEachAsync(int count, Func<int, Task> action, CancellationToken ct)
        => Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Concurrency), CancellationToken = ct },
            async (i, _) => await action(i));
}
