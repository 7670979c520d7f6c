using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MultiCloud.Workload;
using Npgsql;

namespace MultiCloud.RegionsRig;

/// <summary>
/// The bank drill's side of the check, run once the cluster is stable after a drill: every transfer without a definite
/// answer is retried with its own idempotency key until it has one (what a client must do), each answer recorded as a
/// <c>retry</c> event; the drill waits until nothing is pending; both copies of the ledger are read as SQL rows; the
/// service's own reconciliation is read through its API. The invariants themselves are <see cref="HistoryChecker"/>'s,
/// shared with the load benchmark and the SQL drill.
/// </summary>
public static class BankChecker
{
    private const string ServiceId = "ledger";

    /// <summary>Resolves the unknown outcomes, reads both copies of the ledger, then checks.</summary>
    /// <param name="records">Every line of every client's log.</param>
    /// <param name="accounts">The drill's accounts.</param>
    /// <param name="fundedTotal">Sum of the accounts' opening deposits (minor units).</param>
    /// <param name="primary">The region leading now.</param>
    /// <param name="frontEnds">Live front ends to retry unknown outcomes through.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="cancellationToken">Cancels.</param>
    public static async Task<BankCheckResult> CheckAsync(IReadOnlyList<HistoryEvent> records, IReadOnlyCollection<Guid> accounts, long fundedTotal, Region primary,
        IReadOnlyList<Uri> frontEnds, Action<string> log, CancellationToken cancellationToken)
    {
        var violations = new List<Violation>();
        var definite = records.Where(r => r.Kind == EventKind.End && r.Outcome != OutcomeKind.Unknown).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var unknown = records.Where(r => r.Kind == EventKind.Begin && !definite.Contains(r.Key)).ToList();
        var retries = await ResolveAsync(unknown, frontEnds, cancellationToken);
        log($"check: {unknown.Count} unknown outcomes retried with their keys ({retries.Count(r => r.Status == 201)} answered 201)");
        await WaitForNoPendingAsync(primary, violations, cancellationToken);

        var lsn = await SqlChecker.ScalarAsync<string>(primary, "SELECT pg_current_wal_lsn()::text", cancellationToken, "ledger");
        var standby = Region.Databases.Single(r => r != primary);
        var ledger = await LedgerRows.ReadAsync(primary, cancellationToken);
        LedgerSnapshot? standbyLedger = null;
        try
        {
            await SqlChecker.WaitForReplayAsync(standby, lsn, cancellationToken);
            standbyLedger = await LedgerRows.ReadAsync(standby, cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            violations.Add(new Violation(Invariant.CopiesIdentical, $"the standby ({standby.Name}) could not be compared: {exception.Message}"));
        }

        // The service's own reconciliation agrees, read through its API: the read model answers only once the
        // synchronous standby has confirmed what it read, so this also proves that fence passes on a healthy pair.
        await ReconcileThroughApiAsync(frontEnds, violations, cancellationToken);

        var report = HistoryChecker.Check([.. records, .. retries], ledger, new CheckScope(accounts, fundedTotal), standbyLedger);
        violations.AddRange(report.Violations);
        return new BankCheckResult(report.Attempted, report.Acknowledged, report.Refused, report.Unknown, report.UnknownApplied,
            Count(Invariant.AcknowledgedAppliedOnce), Count(Invariant.RefusedNeverApplied), Count(Invariant.KeyAppliedOnce), report.Reads,
            Count(Invariant.ReadsMonotonic), Count(Invariant.CopiesIdentical) > 0, [.. violations.Select(v => v.ToString())]);

        int Count(Invariant invariant) => violations.Count(v => v.Invariant == invariant);
    }

    private static async Task ReconcileThroughApiAsync(IReadOnlyList<Uri> frontEnds, List<Violation> violations, CancellationToken cancellationToken)
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
                        violations.Add(new Violation(Invariant.ServiceReconciliationClean, $"GET /ledger/reconcile reports {issues.GetArrayLength()} issues: {issues}"));
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

        violations.Add(new Violation(Invariant.ServiceReconciliationClean, $"GET /ledger/reconcile could not be read within 30 s ({last})"));
    }

    /// <summary>Retries each unknown transfer with its key until a definite answer (60 s at most); returns the last answer of each as a <c>retry</c> event.</summary>
    private static async Task<List<HistoryEvent>> ResolveAsync(List<HistoryEvent> unknown, IReadOnlyList<Uri> frontEnds, CancellationToken cancellationToken)
    {
        var result = new List<HistoryEvent>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var transfer in unknown)
        {
            var clock = Stopwatch.StartNew();
            for (var attempt = 0; ; attempt++)
            {
                var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var status = 0;
                var id = Guid.Empty;
                string? error = null;
                var target = frontEnds[attempt % frontEnds.Count];
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target, "/transfers"))
                    {
                        Content = new StringContent(string.Create(CultureInfo.InvariantCulture, $$"""{"fromAccountId":"{{transfer.From}}","toAccountId":"{{transfer.To}}","amount":{{transfer.Amount}}}"""), Encoding.UTF8),
                    };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    request.Headers.TryAddWithoutValidation("Idempotency-Key", transfer.Key);
                    using var response = await http.SendAsync(request, cancellationToken);
                    status = (int)response.StatusCode;
                    (id, error) = ParseAnswer(status, await response.Content.ReadAsStringAsync(cancellationToken));
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    error = exception.Message;
                }

                var retry = new HistoryEvent(EventKind.Retry, "checker", 0, transfer.Key, transfer.From, transfer.To, transfer.Amount, start,
                    DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), status, null, target.Authority, id, 0, 0, error);
                if (retry.IsDefinite || clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    result.Add(retry);
                    break;
                }

                await Task.Delay(250, cancellationToken);
            }
        }

        return result;
    }

    /// <summary>The transfer id of a 201 (<c>id</c>) or of a refusal's problem (<c>transferId</c>), and a problem's type.</summary>
    private static (Guid Id, string? Error) ParseAnswer(int status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (Guid.Empty, null);
            }

            var idProperty = status == 201 ? "id" : "transferId";
            var id = root.TryGetProperty(idProperty, out var value) && value.TryGetGuid(out var parsed) ? parsed : Guid.Empty;
            return (id, root.TryGetProperty("type", out var type) ? type.GetString() : null);
        }
        catch (JsonException)
        {
            return (Guid.Empty, status >= 400 ? "not problem+json" : null);
        }
    }

    private static async Task WaitForNoPendingAsync(Region primary, List<Violation> violations, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long pending;
        while ((pending = await SqlChecker.ScalarAsync<long>(primary, $"SELECT count(*) FROM ledger.transfers WHERE service_id = '{ServiceId}' AND status = 'pending'", cancellationToken, "ledger")) > 0)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                violations.Add(new Violation(Invariant.NothingPending, $"{pending} transfers still pending 90 s after recovery"));
                return;
            }

            await Task.Delay(500, cancellationToken);
        }
    }
}
