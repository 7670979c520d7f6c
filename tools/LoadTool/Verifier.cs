using System.Diagnostics;
using System.Text.Json;

namespace MultiCloud.LoadTool;

/// <summary>
/// Checks the ledger after a run, through the public API only: resolves every unknown outcome by retrying its key,
/// then checks conservation, non-negative balances, that each account's entries sum to its balance without gaps,
/// that every acknowledged transfer appears exactly once on each side and nothing else moved money, that replays are
/// identical and keys map to one transfer, and that the server's reconciliation agrees.
/// </summary>
internal sealed class Verifier(LedgerHttpClient client, LoadOptions options, OperationStats stats)
{
    private const int ReplaySample = 200;
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(60);

    public async Task<VerificationResult> VerifyAsync(Guid[] accounts, TransferPlan[] plan, TransferOutcome?[] outcomes, CancellationToken ct)
    {
        var violations = new List<string>();
        var runner = new LoadRunner(options);
        var resolved = await ResolveUnknownAsync(accounts, plan, outcomes, runner, violations, ct);

        var balances = new long[accounts.Length];
        var entries = new List<Entry>[accounts.Length];
        await ForEachAsync(accounts.Length, async i =>
        {
            balances[i] = JsonDocument.Parse((await GetAsync($"/accounts/{accounts[i]}", ct)).Body).RootElement.GetProperty("balance").GetInt64();
            entries[i] = await EntriesAsync(accounts[i], ct);
        }, ct);

        var expectedTotal = options.InitialBalance * accounts.Length;
        var observedTotal = balances.Sum();
        if (observedTotal != expectedTotal)
        {
            violations.Add($"money not conserved: balances sum to {observedTotal}, {expectedTotal} was funded");
        }

        var index = accounts.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var sides = new Dictionary<Guid, Sides>();
        for (var a = 0; a < accounts.Length; a++)
        {
            CheckAccount(a, accounts[a], balances[a], entries[a], violations);
            foreach (var e in entries[a].Where(e => e.Kind != "deposit"))
            {
                var s = sides.TryGetValue(e.OperationId, out var found) ? found : sides[e.OperationId] = new Sides();
                s.Add(e, a);
            }
        }

        var acknowledged = 0L;
        var refused = 0L;
        var byTransferId = new Dictionary<Guid, int>();
        for (var i = 0; i < plan.Length; i++)
        {
            if (outcomes[i] is not { } outcome)
            {
                continue;
            }

            if (outcome.TransferId != Guid.Empty && !byTransferId.TryAdd(outcome.TransferId, i))
            {
                violations.Add($"keys {runner.TransferKey(byTransferId[outcome.TransferId])} and {runner.TransferKey(i)} answered with the same transfer {outcome.TransferId}");
            }

            if (outcome.Acknowledged)
            {
                acknowledged++;
                var op = plan[i];
                if (!sides.Remove(outcome.TransferId, out var s) || !s.IsExactly(op.From, op.To, op.Amount))
                {
                    violations.Add($"acknowledged transfer {outcome.TransferId} ({runner.TransferKey(i)}: {op.Amount} from #{op.From} to #{op.To}) is not in the history exactly once on each side: {s?.ToString() ?? "no entries"}");
                }
            }
            else if (outcome.Status != 0)
            {
                refused++;
                if (sides.Remove(outcome.TransferId, out var s) && !s.NetsToZero)
                {
                    violations.Add($"refused transfer {outcome.TransferId} ({runner.TransferKey(i)}) moved money: {s}");
                }
            }
        }

        foreach (var (transferId, s) in sides)
        {
            violations.Add($"entries for transfer {transferId}, which no request of this run was answered with: {s}");
        }

        var replays = await CheckReplaysAsync(accounts, plan, outcomes, runner, violations, ct);
        await CheckReconciliationAsync(expectedTotal, violations, ct);

        return new VerificationResult(acknowledged, refused, resolved, expectedTotal, observedTotal, entries.Sum(e => e.Count), replays, violations);
    }

    private async Task<long> ResolveUnknownAsync(Guid[] accounts, TransferPlan[] plan, TransferOutcome?[] outcomes, LoadRunner runner, List<string> violations, CancellationToken ct)
    {
        long resolved = 0;
        for (var i = 0; i < plan.Length; i++)
        {
            if (outcomes[i] is not { Status: 0 } outcome)
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

            LoadRunner.Record(outcome, answer);
            if (answer.IsDefinite)
            {
                resolved++;
            }
            else
            {
                violations.Add($"transfer {runner.TransferKey(i)}: outcome still unknown {ResolveTimeout.TotalSeconds} s after the run (last status {answer.Status})");
            }
        }

        return resolved;
    }

    private static void CheckAccount(int a, Guid id, long balance, List<Entry> entries, List<string> violations)
    {
        if (balance < 0)
        {
            violations.Add($"account #{a} {id} has a negative balance {balance}");
        }

        var sum = entries.Sum(e => e.Amount);
        if (sum != balance)
        {
            violations.Add($"account #{a} {id}: balance {balance} but its entries sum to {sum}");
        }

        for (var s = 0; s < entries.Count; s++)
        {
            if (entries[s].Sequence != s + 1)
            {
                violations.Add($"account #{a} {id}: entry {s + 1} has sequence {entries[s].Sequence}");
                break;
            }
        }
    }

    private async Task<int> CheckReplaysAsync(Guid[] accounts, TransferPlan[] plan, TransferOutcome?[] outcomes, LoadRunner runner, List<string> violations, CancellationToken ct)
    {
        var answered = Enumerable.Range(0, plan.Length).Where(i => outcomes[i] is { Status: not 0 }).ToList();
        var sample = answered.Where((_, n) => n % Math.Max(1, answered.Count / ReplaySample) == 0).Take(ReplaySample).ToList();
        foreach (var i in sample)
        {
            var outcome = outcomes[i]!;
            var key = runner.TransferKey(i);
            var replay = await client.SendAsync(HttpMethod.Post, "/transfers", LoadRunner.TransferBody(accounts, plan[i]), key, stats, ct);
            if (replay.Status != outcome.Status || !replay.Replayed || !System.Security.Cryptography.SHA256.HashData(replay.Body).SequenceEqual(outcome.BodyHash!))
            {
                violations.Add($"replay of {key} answered {replay.Status} (replayed: {replay.Replayed}) instead of the original {outcome.Status} with the same body");
            }

            var lookup = await GetAsync($"/transfers?idempotencyKey={key}", ct);
            if (lookup.Status != 200 || JsonDocument.Parse(lookup.Body).RootElement.GetProperty("id").GetGuid() != outcome.TransferId)
            {
                violations.Add($"key {key} does not map to its one transfer {outcome.TransferId} (lookup answered {lookup.Status})");
            }
        }

        return sample.Count;
    }

    private async Task CheckReconciliationAsync(long expectedTotal, List<string> violations, CancellationToken ct)
    {
        var report = JsonDocument.Parse((await GetAsync("/ledger/reconcile", ct)).Body).RootElement;
        if (!report.GetProperty("isConsistent").GetBoolean())
        {
            var issues = report.GetProperty("issues").EnumerateArray().Take(5).Select(i => i.GetProperty("reason").GetString());
            violations.Add($"the server's reconciliation found issues: {string.Join("; ", issues)}");
        }

        if (report.GetProperty("pendingTransfers").GetInt64() != 0)
        {
            violations.Add($"{report.GetProperty("pendingTransfers").GetInt64()} transfers are still pending after the run");
        }

        var currency = report.GetProperty("currencies").EnumerateArray().FirstOrDefault(c => c.GetProperty("currency").GetString() == options.Currency);
        if (currency.ValueKind == JsonValueKind.Object && currency.GetProperty("totalBalance").GetInt64() < expectedTotal)
        {
            violations.Add($"the server's total {options.Currency} balance {currency.GetProperty("totalBalance").GetInt64()} is below the {expectedTotal} this run funded");
        }
    }

    private async Task<List<Entry>> EntriesAsync(Guid account, CancellationToken ct)
    {
        var entries = new List<Entry>();
        long after = 0;
        while (true)
        {
            var page = JsonDocument.Parse((await GetAsync($"/accounts/{account}/entries?afterSequence={after}&limit=1000", ct)).Body).RootElement;
            foreach (var e in page.GetProperty("items").EnumerateArray())
            {
                entries.Add(new Entry(e.GetProperty("sequence").GetInt64(), e.GetProperty("operationId").GetGuid(), e.GetProperty("kind").GetString()!, e.GetProperty("amount").GetInt64()));
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

    private sealed record Entry(long Sequence, Guid OperationId, string Kind, long Amount);

    /// <summary>The entries of one transfer id, by side.</summary>
    private sealed class Sides
    {
        private readonly List<(string Kind, long Amount, int Account)> _entries = [];

        public bool NetsToZero => !_entries.Any(e => e.Kind == "transferIn") && _entries.Sum(e => e.Amount) == 0;

        public void Add(Entry e, int account) => _entries.Add((e.Kind, e.Amount, account));

        public bool IsExactly(int from, int to, long amount) => _entries.Count == 2
            && _entries.Count(e => e.Kind == "transferOut" && e.Account == from && e.Amount == -amount) == 1
            && _entries.Count(e => e.Kind == "transferIn" && e.Account == to && e.Amount == amount) == 1;

        public override string ToString() => string.Join(", ", _entries.Select(e => $"{e.Kind} {e.Amount} on #{e.Account}"));
    }
}
