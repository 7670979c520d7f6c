using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MultiCloud.LoadTool;

/// <summary>
/// Runs one load: opens and funds accounts, then runs the planned transfers and reads at the configured concurrency,
/// then (unless told not to) verifies the ledger. Progress is reported through <see cref="Progress"/>.
/// </summary>
/// <param name="options">What to run.</param>
public sealed class LoadRunner(LoadOptions options)
{
    private readonly Dictionary<OperationKind, OperationStats> _stats = Enum.GetValues<OperationKind>().ToDictionary(k => k, k => new OperationStats(k));
    private long _done;
    private long _total;
    private string _phase = "starting";

    /// <summary>Current phase, operations done and planned in it (read by the progress display).</summary>
    public (string Phase, long Done, long Total) Progress => (_phase, Interlocked.Read(ref _done), Interlocked.Read(ref _total));

    /// <summary>Live stats of one kind (read by the progress display).</summary>
    public OperationStats Stats(OperationKind kind) => _stats[kind];

    /// <summary>Runs the load and returns the report.</summary>
    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken)
    {
        using var client = new LedgerHttpClient(options);
        var startedAt = DateTimeOffset.UtcNow;
        var setup = Stopwatch.StartNew();
        var accounts = options.SkipSetup
            ? Enumerable.Range(0, options.Accounts).Select(_ => Guid.NewGuid()).ToArray()
            : await SetupAsync(client, cancellationToken);
        setup.Stop();

        if (options.BeforeMain is { } command)
        {
            _phase = "before main";
            await RunShellAsync(command, cancellationToken);
        }

        var plan = Plan();
        var outcomes = plan.Select(p => p.IsTransfer ? new TransferOutcome() : null).ToArray();
        var main = Stopwatch.StartNew();
        await RunPhaseAsync("main", plan.Length, async (i, ct) =>
        {
            var op = plan[i];
            if (op.IsTransfer)
            {
                await TransferAsync(client, accounts, i, op, outcomes[i]!, main, ct);
            }
            else
            {
                await ReadAsync(client, accounts[op.From], main, ct);
            }
        }, cancellationToken);
        main.Stop();
        if (options.AfterMain is { } after)
        {
            await RunShellAsync(after, cancellationToken);
        }

        if (options.AfterMainCallback is { } callback)
        {
            await callback(accounts, cancellationToken);
        }

        VerificationResult? verification = null;
        if (options.Verify && !options.ReadOnly)
        {
            _phase = "verify";
            verification = await new Verifier(client, options, new OperationStats(OperationKind.Read)).VerifyAsync(accounts, plan, outcomes, cancellationToken);
        }

        var timelineKind = options.ReadOnly ? OperationKind.Read : OperationKind.Transfer;
        return new LoadReport(
            options.RunId,
            options.Target,
            startedAt,
            setup.Elapsed.TotalSeconds,
            main.Elapsed.TotalSeconds,
            [.. _stats.Values.Where(s => s.Ok + s.Failed > 0).Select(s => Summarize(s, s.Kind is OperationKind.Open or OperationKind.Deposit ? setup.Elapsed : main.Elapsed))],
            verification,
            [.. _stats[timelineKind].Timeline().Select(t => new TimelinePoint(t.Second, t.Count, t.Failed, t.P50Ms, t.P99Ms))]);
    }

    private async Task<Guid[]> SetupAsync(LedgerHttpClient client, CancellationToken cancellationToken)
    {
        var accounts = new Guid[options.Accounts];
        var clock = Stopwatch.StartNew();
        await RunPhaseAsync("open accounts", options.Accounts, async (i, ct) =>
        {
            var body = Encoding.UTF8.GetBytes($"{{\"owner\":\"load-{i}\",\"currency\":\"{options.Currency}\"}}");
            var answer = await TimedAsync(OperationKind.Open, clock, () =>
                client.SendAsync(HttpMethod.Post, "/accounts", body, $"{options.RunId}-open-{i}", _stats[OperationKind.Open], ct));
            accounts[i] = answer.Status == 201
                ? JsonDocument.Parse(answer.Body).RootElement.GetProperty("id").GetGuid()
                : throw new InvalidOperationException($"Opening account {i} failed: {answer.Status} {Encoding.UTF8.GetString(answer.Body)}");
        }, cancellationToken);

        await RunPhaseAsync("fund accounts", options.Accounts, async (i, ct) =>
        {
            var body = Encoding.UTF8.GetBytes($"{{\"amount\":{options.InitialBalance}}}");
            var answer = await TimedAsync(OperationKind.Deposit, clock, () =>
                client.SendAsync(HttpMethod.Post, $"/accounts/{accounts[i]}/deposits", body, $"{options.RunId}-fund-{i}", _stats[OperationKind.Deposit], ct));
            if (answer.Status != 200)
            {
                throw new InvalidOperationException($"Funding account {i} failed: {answer.Status} {Encoding.UTF8.GetString(answer.Body)}");
            }
        }, cancellationToken);
        return accounts;
    }

    private async Task TransferAsync(LedgerHttpClient client, Guid[] accounts, int index, TransferPlan op, TransferOutcome outcome, Stopwatch clock, CancellationToken ct)
    {
        var body = TransferBody(accounts, op);
        var answer = await TimedAsync(OperationKind.Transfer, clock, () =>
            client.SendAsync(HttpMethod.Post, "/transfers", body, TransferKey(index), _stats[OperationKind.Transfer], ct));
        Record(outcome, answer);
    }

    private Task<Answer> ReadAsync(LedgerHttpClient client, Guid account, Stopwatch clock, CancellationToken ct)
        => TimedAsync(OperationKind.Read, clock, () => client.SendAsync(HttpMethod.Get, $"/accounts/{account}", null, null, _stats[OperationKind.Read], ct));

    /// <summary>The idempotency key of planned transfer <paramref name="index"/>.</summary>
    internal string TransferKey(int index) => $"{options.RunId}-t-{index}";

    /// <summary>The JSON body of a planned transfer.</summary>
    internal static byte[] TransferBody(Guid[] accounts, TransferPlan op)
        => Encoding.UTF8.GetBytes($"{{\"fromAccountId\":\"{accounts[op.From]}\",\"toAccountId\":\"{accounts[op.To]}\",\"amount\":{op.Amount}}}");

    /// <summary>Stores a definite answer in the outcome (201 acknowledged, 409 refused with its transfer id).</summary>
    internal static void Record(TransferOutcome outcome, Answer answer)
    {
        if (!answer.IsDefinite)
        {
            return;
        }

        outcome.Status = answer.Status;
        outcome.BodyHash = SHA256.HashData(answer.Body);
        var root = JsonDocument.Parse(answer.Body).RootElement;
        if (root.TryGetProperty(answer.Status == 201 ? "id" : "transferId", out var id))
        {
            outcome.TransferId = id.GetGuid();
        }
    }

    private TransferPlan[] Plan()
    {
        var random = new Random(options.Seed);
        if (options.ReadOnly)
        {
            return [.. Enumerable.Range(0, options.Reads).Select(_ => new TransferPlan(false, random.Next(options.Accounts), 0, 0))];
        }

        var reads = (int)Math.Round(options.Transfers * options.ReadRatio / (1 - options.ReadRatio));
        var plan = new TransferPlan[options.Transfers + reads];
        var transfersLeft = options.Transfers;
        for (var i = 0; i < plan.Length; i++)
        {
            var isTransfer = random.Next(plan.Length - i) < transfersLeft;
            var from = random.Next(options.Accounts);
            var to = (from + 1 + random.Next(options.Accounts - 1)) % options.Accounts;
            plan[i] = new TransferPlan(isTransfer, from, to, 1 + random.NextInt64(options.MaxTransferAmount));
            if (isTransfer)
            {
                transfersLeft--;
            }
        }

        return plan;
    }

    private async Task RunPhaseAsync(string phase, int count, Func<int, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        _phase = phase;
        Interlocked.Exchange(ref _done, 0);
        Interlocked.Exchange(ref _total, count);
        var next = -1;
        var workers = Enumerable.Range(0, Math.Max(1, options.Concurrency)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await action(i, cancellationToken);
                Interlocked.Increment(ref _done);
            }
        }, cancellationToken));
        await Task.WhenAll(workers);
    }

    private async Task<Answer> TimedAsync(OperationKind kind, Stopwatch clock, Func<Task<Answer>> send)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await send();
        _stats[kind].Record(Stopwatch.GetElapsedTime(started), answer.IsDefinite, clock.Elapsed);
        return answer;
    }

    private static async Task RunShellAsync(string command, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command }, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not run: {command}");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command}' exited {process.ExitCode}");
        }
    }

    private static OperationSummary Summarize(OperationStats s, TimeSpan phase) => new(
        s.Kind, s.Ok + s.Failed, s.Ok, s.Failed, phase.TotalSeconds > 0 ? s.Ok / phase.TotalSeconds : 0,
        s.PercentileMs(50), s.PercentileMs(90), s.PercentileMs(99), s.MaxMs, new Dictionary<string, long>(s.Errors));
}
