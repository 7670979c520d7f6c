using System.Collections.Concurrent;
using HdrHistogram;

namespace MultiCloud.LoadTool;

/// <summary>
/// Latencies (HdrHistogram, microseconds, 3 significant digits), outcomes and errors of one kind of request, overall
/// and per second of the run (for the timeline plot). Thread-safe.
/// </summary>
public sealed class OperationStats
{
    private const long MaxMicros = 120_000_000;
    private readonly LongConcurrentHistogram _latency = new(1, MaxMicros, 3);
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, Second> _seconds = new();
    private long _ok;
    private long _failed;

    /// <summary>Creates the stats of one kind.</summary>
    public OperationStats(OperationKind kind) => Kind = kind;

    /// <summary>The kind of request.</summary>
    public OperationKind Kind { get; }

    /// <summary>Requests with a definite answer (success or a recorded refusal).</summary>
    public long Ok => Interlocked.Read(ref _ok);

    /// <summary>Requests that ended without a definite answer after every attempt.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Error counts by kind (status code or exception type), including errors that a retry recovered from.</summary>
    public IReadOnlyDictionary<string, long> Errors => _errors;

    /// <summary>Records one finished request: its latency from first send to final answer, and whether it ended definitely.</summary>
    public void Record(TimeSpan latency, bool ok, TimeSpan sinceStart)
    {
        var micros = Math.Clamp((long)latency.TotalMicroseconds, 1, MaxMicros);
        _latency.RecordValue(micros);
        Interlocked.Increment(ref ok ? ref _ok : ref _failed);
        var second = _seconds.GetOrAdd((int)sinceStart.TotalSeconds, _ => new Second());
        lock (second)
        {
            second.Latency.RecordValue(micros);
            if (!ok)
            {
                second.Failed++;
            }
        }
    }

    /// <summary>Counts one error (also one that a retry recovers from).</summary>
    public void RecordError(string error) => _errors.AddOrUpdate(error, 1, (_, n) => n + 1);

    /// <summary>Latency at a percentile (0-100), in milliseconds.</summary>
    public double PercentileMs(double percentile) => _latency.TotalCount == 0 ? 0 : _latency.GetValueAtPercentile(percentile) / 1000.0;

    /// <summary>Largest latency, in milliseconds.</summary>
    public double MaxMs => _latency.TotalCount == 0 ? 0 : _latency.GetMaxValue() / 1000.0;

    /// <summary>Per second of the run: (second, requests finished, failed, p50 ms, p99 ms).</summary>
    public IReadOnlyList<(int Second, long Count, long Failed, double P50Ms, double P99Ms)> Timeline()
    {
        var rows = new List<(int, long, long, double, double)>();
        foreach (var (second, bucket) in _seconds.OrderBy(p => p.Key))
        {
            lock (bucket)
            {
                rows.Add((second, bucket.Latency.TotalCount, bucket.Failed,
                    bucket.Latency.GetValueAtPercentile(50) / 1000.0, bucket.Latency.GetValueAtPercentile(99) / 1000.0));
            }
        }

        return rows;
    }

    private sealed class Second
    {
        public LongHistogram Latency { get; } = new(1, MaxMicros, 2);

        public long Failed { get; set; }
    }
}
