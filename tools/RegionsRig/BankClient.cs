using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

using MultiCloud.Workload;

namespace MultiCloud.RegionsRig;

/// <summary>
/// A client of the ledger API run inside one region (a process the bank drill starts in the region's namespace):
/// workers that each issue one request at a time — transfers between random accounts, with an idempotency key kept
/// across retries, and balance reads — and log every attempt and outcome as <see cref="HistoryEvent"/> lines.
/// It behaves as a locality-aware front door would: it sends to its own region's front ends first; after a 503 from a
/// live front end it retries on the region's other one, after a timeout, a connection error or
/// <c>region-not-primary</c> it leaves that front end out for a while and may go to the other region; every other
/// answer is definite.
/// </summary>
public sealed class BankClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly string _name;
    private readonly IReadOnlyList<(string Name, Uri Api)> _targets;
    private readonly Guid[] _accounts;
    private readonly StreamWriter _log;
    private readonly HttpClient _http;
    private readonly object _gate = new();
    private readonly long[] _ejectedUntilMs;
    private readonly int[] _unreachable;

    /// <summary>Creates a client.</summary>
    /// <param name="name">Client name, the prefix of its idempotency keys (unique per drill).</param>
    /// <param name="targets">Front ends in order of preference (name and base address).</param>
    /// <param name="accounts">The accounts to move money between.</param>
    /// <param name="logPath">The JSON-lines log (appended).</param>
    public BankClient(string name, IReadOnlyList<(string Name, Uri Api)> targets, Guid[] accounts, string logPath)
    {
        _name = name;
        _targets = targets;
        _accounts = accounts;
        _ejectedUntilMs = new long[targets.Count];
        _unreachable = new int[targets.Count];
        _log = new StreamWriter(logPath, append: true, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
        _http = new HttpClient(new SocketsHttpHandler
        {
            // A peer that vanished silently is noticed by the attempt timeout, not by TCP; new connections are cheap here.
            ConnectTimeout = TimeSpan.FromSeconds(1),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseProxy = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Workers (each one request at a time). Default 4.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>How many of the first targets are in the client's own region; workers spread over them. Default 1.</summary>
    public int LocalTargets { get; init; } = 1;

    /// <summary>Share of requests that are balance reads (0–1). Default 0.3.</summary>
    public double ReadRatio { get; init; } = 0.3;

    /// <summary>Largest transfer amount in minor units (amounts are uniform in 1..this). Default 20,000.</summary>
    public long MaxAmount { get; init; } = 20_000;

    /// <summary>
    /// Bound of one HTTP attempt. Default 4 s: above the silo's worst answer time while the database moves (Npgsql
    /// Timeout 2 s + Command Timeout 3 s meet Orleans's ResponseTimeout of 5 s only on a dead path), below the RTO goal.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How long a transfer is retried before its outcome is logged as unknown. Default 120 s.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// How long a front end that did not answer (timeout, connection error) is left out of rotation after its first
    /// miss, as a load balancer's outlier detection would; doubled per consecutive miss up to 30 s. Default 3 s.
    /// </summary>
    public TimeSpan Ejection { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Pause between a worker's requests. Default 20 ms.</summary>
    public TimeSpan Think { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Runs until <paramref name="stopFile"/> exists (then finishes each worker's current transfer) or <paramref name="maxDuration"/> passes.</summary>
    public async Task RunAsync(string stopFile, TimeSpan maxDuration, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        bool Stopping() => File.Exists(stopFile) || DateTimeOffset.UtcNow - started > maxDuration || cancellationToken.IsCancellationRequested;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => WorkAsync(w, Stopping, cancellationToken), cancellationToken)));
        await _log.FlushAsync(cancellationToken);
    }

    private async Task WorkAsync(int worker, Func<bool> stopping, CancellationToken cancellationToken)
    {
        var random = new Random(HashCode.Combine(_name, worker));
        var preferred = worker % Math.Clamp(LocalTargets, 1, _targets.Count);
        for (long n = 1; !stopping(); n++)
        {
            if (random.NextDouble() < ReadRatio)
            {
                await ReadAsync(worker, _accounts[random.Next(_accounts.Length)], preferred, cancellationToken);
            }
            else
            {
                var from = random.Next(_accounts.Length);
                var to = (from + 1 + random.Next(_accounts.Length - 1)) % _accounts.Length;
                var key = string.Create(CultureInfo.InvariantCulture, $"{_name}-{worker}-{n}");
                await TransferAsync(worker, key, _accounts[from], _accounts[to], 1 + random.NextInt64(MaxAmount), preferred, cancellationToken);
            }

            await Task.Delay(Think, cancellationToken);
        }
    }

    private async Task ReadAsync(int worker, Guid account, int preferred, CancellationToken cancellationToken)
    {
        var start = Now();
        var (status, body, target, _) = await SendAsync(HttpMethod.Get, $"/accounts/{account}", null, null, preferred, cancellationToken);
        if (status == 200)
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            Write(new HistoryEvent("read", _name, worker, null, account, Guid.Empty, 0, start, Now(), status, null, target, Guid.Empty,
                root.GetProperty("lastSequence").GetInt64(), root.GetProperty("balance").GetInt64(), null));
        }
    }

    private async Task TransferAsync(int worker, string key, Guid from, Guid to, long amount, int preferred, CancellationToken cancellationToken)
    {
        var start = Now();
        Write(new HistoryEvent("begin", _name, worker, key, from, to, amount, start, start, 0, null, null, Guid.Empty, 0, 0, null));
        var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"fromAccountId":"{{from}}","toAccountId":"{{to}}","amount":{{amount}}}"""));
        var delay = TimeSpan.FromMilliseconds(50);
        var next = preferred;
        while (true)
        {
            next = Healthy(next);
            var attemptStart = Now();
            var (status, content, target, error) = await SendAsync(HttpMethod.Post, "/transfers", body, key, next, cancellationToken, once: true);
            Write(new HistoryEvent("attempt", _name, worker, key, from, to, amount, attemptStart, Now(), status, null, target, Guid.Empty, 0, 0, error));
            var transient = status is 0 or >= 500 || (status == 409 && error?.Contains("in-flight", StringComparison.Ordinal) == true);
            if (!transient)
            {
                var id = Guid.Empty;
                if (status == 201)
                {
                    using var document = JsonDocument.Parse(content);
                    id = document.RootElement.GetProperty("id").GetGuid();
                }

                Write(new HistoryEvent("end", _name, worker, key, from, to, amount, start, Now(), status, status == 201 ? "ack" : "failed", target, id, 0, 0, error));
                return;
            }

            if (Now() - start > (long)Deadline.TotalMilliseconds || cancellationToken.IsCancellationRequested)
            {
                Write(new HistoryEvent("end", _name, worker, key, from, to, amount, start, Now(), status, "unknown", target, Guid.Empty, 0, 0, error));
                return;
            }

            // The retry goes to another front end; the idempotency key makes it safe anywhere. One that answered (a
            // 5xx from a live front end: the cluster could not answer) stays in rotation and the retry stays in the
            // region, as a front door's locality-aware retry does; one that did not answer, or whose region does not
            // hold the primary, is ejected and the next healthy one may be in the other region.
            if (status is 0 or 502 or 503 or 504)
            {
                Failed(next, status, error);
                next = status == 0 || Misrouted(error) ? (next + 1) % _targets.Count : NextInRegion(next);
            }

            if (Misrouted(error))
            {
                // The region does not hold the primary (one cluster per region): a front door sends the request on at once.
                await Task.Delay(20, CancellationToken.None);
                continue;
            }

            await Task.Delay(delay, CancellationToken.None);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 400));
        }
    }

    /// <summary>One request (or, for reads, attempts over the targets until one answers 200 or all failed once).</summary>
    private async Task<(int Status, byte[] Body, string Target, string? Error)> SendAsync(HttpMethod method, string path, byte[]? body, string? key, int first,
        CancellationToken cancellationToken, bool once = false)
    {
        first = Healthy(first);
        (int, byte[], string, string?) last = (0, [], _targets[first].Name, null);
        for (var i = 0; i < (once ? 1 : _targets.Count); i++)
        {
            var index = (first + i) % _targets.Count;
            var (name, api) = _targets[index];
            try
            {
                using var request = new HttpRequestMessage(method, new Uri(api, path));
                if (body is not null)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = Json;
                }

                if (key is not null)
                {
                    request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(AttemptTimeout);
                using var response = await _http.SendAsync(request, timeout.Token);
                var content = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                var status = (int)response.StatusCode;
                last = (status, content, name, status >= 400 ? ProblemType(content) : null);
                Volatile.Write(ref _unreachable[index], 0);
                if (status < 500)
                {
                    return last;
                }

                if (!once)
                {
                    Failed(index, status, last.Item4);
                }

                // A live front end that could not answer: another region's front end of the same cluster would not do
                // better, so the read stops after this region's front ends (unless this one sent it elsewhere).
                if (!Misrouted(last.Item4) && !IsLocal((first + i + 1) % _targets.Count))
                {
                    break;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = (0, [], name, exception is OperationCanceledException ? "timeout" : $"connection: {exception.InnerException?.Message ?? exception.Message}");
                if (!once)
                {
                    Failed(index, 0, null);
                }
            }
        }

        return last;
    }

    /// <summary>The first target from <paramref name="preferred"/> on that is not ejected (or the preferred one when all are).</summary>
    private int Healthy(int preferred)
    {
        var now = Now();
        for (var i = 0; i < _targets.Count; i++)
        {
            var index = (preferred + i) % _targets.Count;
            if (Volatile.Read(ref _ejectedUntilMs[index]) <= now)
            {
                return index;
            }
        }

        return preferred;
    }

    /// <summary>
    /// Outlier detection, as a load balancer does it: a front end that did not answer (timeout, connection error) is
    /// left out for <see cref="Ejection"/>, doubling with each consecutive miss up to 30 s; one in the wrong region
    /// (<c>region-not-primary</c>) for 3 × <see cref="Ejection"/>. One that answered 5xx is alive and stays in.
    /// </summary>
    private void Failed(int index, int status, string? problemType)
    {
        TimeSpan period;
        if (status == 0)
        {
            var misses = Math.Min(Interlocked.Increment(ref _unreachable[index]), 5);
            period = TimeSpan.FromTicks(Math.Min(Ejection.Ticks << (misses - 1), TimeSpan.FromSeconds(30).Ticks));
        }
        else if (Misrouted(problemType))
        {
            period = Ejection * 3;
        }
        else
        {
            return;
        }

        Volatile.Write(ref _ejectedUntilMs[index], Now() + (long)period.TotalMilliseconds);
    }

    /// <summary>True for a front end of the client's own region (the first <see cref="LocalTargets"/>).</summary>
    private bool IsLocal(int index) => index < Math.Clamp(LocalTargets, 1, _targets.Count);

    /// <summary>The next front end in the same region as <paramref name="index"/> (own region's wrap around; others go on in order).</summary>
    private int NextInRegion(int index)
    {
        var local = Math.Clamp(LocalTargets, 1, _targets.Count);
        return IsLocal(index) ? (index + 1) % local : (index + 1) % _targets.Count;
    }

    /// <summary>True for the answer of a front end whose region does not hold the primary (<c>region-not-primary</c>).</summary>
    public static bool Misrouted(string? problemType) => problemType?.EndsWith(":region-not-primary", StringComparison.Ordinal) == true;

    private static string ProblemType(byte[] content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.TryGetProperty("type", out var type) ? type.GetString() ?? "?" : "?";
        }
        catch (JsonException)
        {
            return "not problem+json";
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        _log.Dispose();
    }

    private void Write(HistoryEvent record)
    {
        var line = JsonSerializer.Serialize(record);
        lock (_gate)
        {
            _log.WriteLine(line);
        }
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
