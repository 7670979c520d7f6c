using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace MultiCloud.RegionsRig;

/// <summary>
/// The bank workload's checker (Jepsen-style), run once the cluster is stable after a drill: first every transfer
/// without a definite answer is retried with its own idempotency key until it has one (what a client must do), then
/// the ledger on the final primary is read as SQL rows and checked: every acknowledged transfer present exactly once
/// on each side; nothing refused moved money; money conserved; no idempotency key applied twice; no balance negative;
/// every account's entries sum to its balance without sequence gaps; no client saw an account's sequence go backwards;
/// the standby holds the same ledger; the service's own reconciliation, read through its API, finds no issue.
/// </summary>
public static class BankChecker
{
    private const string ServiceId = "ledger";

    /// <summary>Resolves the unknown outcomes, then checks.</summary>
    /// <param name="records">Every line of every client's log.</param>
    /// <param name="accounts">The drill's accounts.</param>
    /// <param name="fundedTotal">Sum of the accounts' opening deposits (minor units).</param>
    /// <param name="primary">The region leading now.</param>
    /// <param name="frontEnds">Live front ends to retry unknown outcomes through.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="cancellationToken">Cancels.</param>
    public static async Task<BankCheckResult> CheckAsync(IReadOnlyList<BankRecord> records, IReadOnlyCollection<Guid> accounts, long fundedTotal, Region primary,
        IReadOnlyList<Uri> frontEnds, Action<string> log, CancellationToken cancellationToken)
    {
        var violations = new List<string>();
        var begun = records.Where(r => r.Kind == "begin").ToDictionary(r => r.Key!, StringComparer.Ordinal);
        var ends = records.Where(r => r.Kind == "end").ToDictionary(r => r.Key!, StringComparer.Ordinal);
        var unknown = begun.Keys.Where(k => !ends.TryGetValue(k, out var e) || e.Outcome == "unknown").ToList();
        var resolved = await ResolveAsync(unknown.Select(k => begun[k]).ToList(), frontEnds, violations, cancellationToken);
        log($"check: {unknown.Count} unknown outcomes retried with their keys ({resolved.Count(r => r.Value == 201)} applied)");
        await WaitForNoPendingAsync(primary, violations, cancellationToken);

        var lsn = await SqlChecker.ScalarAsync<string>(primary, "SELECT pg_current_wal_lsn()::text", cancellationToken, "ledger");
        var standby = Region.Databases.Single(r => r != primary);
        var ledger = await LedgerRows.ReadAsync(primary, cancellationToken);
        var diverged = false;
        try
        {
            await SqlChecker.WaitForReplayAsync(standby, lsn, cancellationToken);
            diverged = (await LedgerRows.ReadAsync(standby, cancellationToken)).Fingerprint != ledger.Fingerprint;
            if (diverged)
            {
                violations.Add($"the standby ({standby.Name}) holds a different ledger than the primary ({primary.Name}) after replaying up to {lsn}");
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            violations.Add($"the standby ({standby.Name}) could not be compared: {exception.Message}");
        }

        // The service's own reconciliation agrees, read through its API: the read model answers only once the
        // synchronous standby has confirmed what it read, so this also proves that fence passes on a healthy pair.
        await ReconcileThroughApiAsync(frontEnds, violations, cancellationToken);

        // Money and accounts.
        var total = ledger.Balances.Values.Sum();
        if (total != fundedTotal)
        {
            violations.Add($"money not conserved: balances sum to {total}, {fundedTotal} was funded");
        }

        foreach (var account in accounts)
        {
            var balance = ledger.Balances.GetValueOrDefault(account, -1);
            var entries = ledger.Entries.Where(e => e.Account == account).OrderBy(e => e.Sequence).ToList();
            if (balance < 0)
            {
                violations.Add($"account {account}: balance {balance} (negative or missing)");
            }

            if (entries.Sum(e => e.Amount) != balance || entries.Select((e, i) => e.Sequence != i + 1).Any(gap => gap))
            {
                violations.Add($"account {account}: {entries.Count} entries summing to {entries.Sum(e => e.Amount)} with sequences {Ranges(entries)} do not reconcile with balance {balance}");
            }
        }

        // Transfers by idempotency key.
        var byKey = ledger.Transfers.GroupBy(t => t.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var sides = ledger.Entries.Where(e => e.Kind.StartsWith("transfer", StringComparison.Ordinal)).ToLookup(e => e.Operation);
        int lost = 0, failedApplied = 0, twice = 0, unknownApplied = 0;
        foreach (var (key, first) in begun)
        {
            var rows = byKey.GetValueOrDefault(key) ?? [];
            var moved = rows.SelectMany(t => sides[t.Id]).ToList();
            var outcome = ends.TryGetValue(key, out var end) ? end.Outcome : "unknown";
            if (rows.Count > 1 || moved.GroupBy(e => (e.Account, e.Kind)).Any(g => g.Count() > 1))
            {
                twice++;
                violations.Add($"key {key} applied more than once: {rows.Count} transfers, entries {string.Join(", ", moved.Select(e => $"{e.Kind} {e.Amount}"))}");
            }

            var appliedOnce = moved.Count == 2
                && moved.Any(e => e.Kind == "transferOut" && e.Account == first.From && e.Amount == -first.Amount)
                && moved.Any(e => e.Kind == "transferIn" && e.Account == first.To && e.Amount == first.Amount);
            var net = moved.Sum(e => e.Amount) == 0 && moved.Where(e => e.Account == first.From).Sum(e => e.Amount) == 0;
            switch (outcome)
            {
                case "ack" when !appliedOnce || end!.TransferId != rows.FirstOrDefault()?.Id:
                    lost++;
                    violations.Add($"acknowledged transfer {key} ({first.Amount} from {first.From} to {first.To}) is not in the ledger exactly once: {Describe(rows, moved)}");
                    break;
                case "failed" when !net:
                    failedApplied++;
                    violations.Add($"refused transfer {key} (status {end!.Status}) moved money: {Describe(rows, moved)}");
                    break;
                case "unknown":
                    unknownApplied += appliedOnce ? 1 : 0;
                    if (!appliedOnce && !net)
                    {
                        violations.Add($"transfer {key} of unknown outcome is half applied: {Describe(rows, moved)}");
                    }

                    break;
            }
        }

        foreach (var stranger in byKey.Keys.Where(k => !begun.ContainsKey(k) && !k.StartsWith("fund-", StringComparison.Ordinal)))
        {
            violations.Add($"transfer with key {stranger} exists but no client began it");
        }

        var reads = records.Where(r => r.Kind == "read").ToList();
        var backwards = ReadsBackwards(reads, violations);
        return new BankCheckResult(begun.Count, ends.Values.Count(e => e.Outcome == "ack"), ends.Values.Count(e => e.Outcome == "failed"), unknown.Count, unknownApplied,
            lost, failedApplied, twice, reads.Count, backwards, diverged, violations);
    }

    /// <summary>
    /// A read that began after another read of the same client and account had returned must not see a lower
    /// sequence (the account's history only grows; a lower one is a stale copy served after a newer one).
    /// </summary>
    private static int ReadsBackwards(List<BankRecord> reads, List<string> violations)
    {
        var count = 0;
        foreach (var group in reads.GroupBy(r => (r.Client, r.From)))
        {
            var byEnd = group.OrderBy(r => r.EndMs).ToList();
            var i = 0;
            var highest = long.MinValue;
            BankRecord? witness = null;
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
                    count++;
                    violations.Add($"client {read.Client} read account {read.From} at sequence {read.Sequence} from {read.Target} after it had read sequence {highest} from {witness!.Target}");
                }
            }
        }

        return count;
    }

    private static async Task ReconcileThroughApiAsync(IReadOnlyList<Uri> frontEnds, List<string> violations, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        var last = "no answer";
        for (var attempt = 0; clock.Elapsed < TimeSpan.FromSeconds(30); attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(frontEnds[attempt % frontEnds.Count], "/ledger/reconcile"), cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    using var report = JsonDocument.Parse(body);
                    var issues = report.RootElement.GetProperty("issues");
                    if (issues.GetArrayLength() > 0)
                    {
                        violations.Add($"the service's reconciliation (GET /ledger/reconcile) reports {issues.GetArrayLength()} issues: {issues}");
                    }

                    return;
                }

                last = $"{(int)response.StatusCode}: {body}";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = exception.Message;
            }

            await Task.Delay(500, cancellationToken);
        }

        violations.Add($"the service's reconciliation (GET /ledger/reconcile) could not be read within 30 s ({last})");
    }

    private static async Task<Dictionary<string, int>> ResolveAsync(List<BankRecord> unknown, IReadOnlyList<Uri> frontEnds, List<string> violations, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var transfer in unknown)
        {
            var clock = Stopwatch.StartNew();
            for (var attempt = 0; ; attempt++)
            {
                var status = 0;
                var inFlight = false;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(frontEnds[attempt % frontEnds.Count], "/transfers"))
                    {
                        Content = new StringContent($$"""{"fromAccountId":"{{transfer.From}}","toAccountId":"{{transfer.To}}","amount":{{transfer.Amount}}}""", Encoding.UTF8),
                    };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    request.Headers.TryAddWithoutValidation("Idempotency-Key", transfer.Key);
                    using var response = await http.SendAsync(request, cancellationToken);
                    status = (int)response.StatusCode;
                    inFlight = status == 409 && (await response.Content.ReadAsStringAsync(cancellationToken)).Contains("idempotency-key-in-flight", StringComparison.Ordinal);
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // Try the next front end.
                }

                // 409 is definite (insufficient funds) unless the key is still executing.
                if (status is > 0 and < 500 && !inFlight)
                {
                    result[transfer.Key!] = status;
                    break;
                }

                if (clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    violations.Add($"transfer {transfer.Key} still has no definite answer 60 s after recovery (last status {status})");
                    break;
                }

                await Task.Delay(250, cancellationToken);
            }
        }

        return result;
    }

    private static async Task WaitForNoPendingAsync(Region primary, List<string> violations, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long pending;
        while ((pending = await SqlChecker.ScalarAsync<long>(primary, $"SELECT count(*) FROM ledger.transfers WHERE service_id = '{ServiceId}' AND status = 'pending'", cancellationToken, "ledger")) > 0)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                violations.Add($"{pending} transfers still pending 90 s after recovery");
                return;
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    private static string Describe(List<LedgerRows.Transfer> rows, List<LedgerRows.Entry> moved) =>
        $"{rows.Count} transfer rows ({string.Join(", ", rows.Select(r => r.Status))}), entries [{string.Join(", ", moved.Select(e => $"{e.Kind} {e.Amount} on {e.Account}"))}]";

    private static string Ranges(List<LedgerRows.Entry> entries) =>
        entries.Count == 0 ? "none" : $"{entries[0].Sequence}..{entries[^1].Sequence}";
}
