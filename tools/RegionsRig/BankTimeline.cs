using MultiCloud.Workload;

namespace MultiCloud.RegionsRig;

/// <summary>
/// The bank workload seen over time, relative to the fault: per-second transfer attempts, acknowledgements, failed
/// attempts (503, timeouts, connection errors) and latency of acknowledged transfers; and the RTO.
/// <para>
/// Attempts are placed by the time they were sent: the question is whether a request sent at that moment succeeds.
/// RTO: find the first 5 s window (stepped by 0.1 s, from the first failed attempt sent after the fault) in which at
/// least 99 % of the transfer attempts sent in it got a definite answer (2xx or a definite 4xx refusal) and at least
/// one was acknowledged; the RTO is the send time of that window's first acknowledged attempt (not the window's start:
/// while clients wait out timeouts few requests are sent, and an empty stretch proves nothing). 0 when no attempt sent
/// after the fault failed. The first success is the answer time of
/// the first acknowledged attempt sent after that first failure — the RTO can be earlier when requests sent then were
/// slow but succeeded. Answers <c>region-not-primary</c> (one cluster per region: the request was sent on to the other
/// region at once) are left out.
/// </para>
/// </summary>
/// <param name="Seconds">One row per second from 10 s before the fault to the end of the workload.</param>
/// <param name="RtoSeconds">The RTO (s); null when no attempt failed (no outage: see <see cref="Outage"/>) or when the workload never recovered to 99 % in a 5 s window.</param>
/// <param name="FirstSuccessSeconds">Seconds from the fault to the first acknowledged transfer after the first failure; null when none failed.</param>
/// <param name="FailedAttempts">Failed transfer attempts after the fault.</param>
public sealed record BankTimeline(IReadOnlyList<BankSecond> Seconds, double? RtoSeconds, double? FirstSuccessSeconds, int FailedAttempts)
{
    /// <summary>True when some transfer attempt sent after the fault failed; without one there is no RTO to measure
    /// (never 0 s: "nothing failed" is not "recovered at once", and a drill of a fault that must cause an outage fails).</summary>
    public bool Outage => FailedAttempts > 0;

    /// <summary>Window of the RTO definition.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    /// <summary>Builds the timeline from the clients' logs.</summary>
    /// <param name="records">Every line of every client's log.</param>
    /// <param name="faultAtMs">Unix time (ms) the fault was injected.</param>
    /// <param name="healAtMs">Unix time (ms) the fault was undone; failures sent from then on (caused by the heal, a
    /// restart or a switchover) are not the fault's outage. Null: to the end.</param>
    public static BankTimeline Build(IReadOnlyList<HistoryEvent> records, long faultAtMs, long? healAtMs = null)
    {
        // A region-not-primary answer is a redirect a front door follows at once, not a failure the user sees.
        var attempts = records.Where(r => r.Kind == "attempt" && !BankClient.Misrouted(r.Error)).OrderBy(r => r.StartMs).ToList();
        static bool Definite(HistoryEvent a) => a.IsDefinite;
        // The fault's casualties: attempts that failed after it, also those in flight when it landed (sent just before,
        // e.g. to a silo frozen mid-request, which is all a quickly detected fault may fail); not those sent after the heal.
        var failures = attempts.Where(a => a.EndMs >= faultAtMs && a.StartMs < (healAtMs ?? long.MaxValue) && !Definite(a)).ToList();
        double? rto = null;
        double? firstSuccess = null;
        if (failures.Count > 0)
        {
            var firstFailure = Math.Max(failures[0].StartMs, faultAtMs);
            var lastStart = attempts[^1].StartMs;
            for (var start = firstFailure; start + (long)Window.TotalMilliseconds <= lastStart; start += 100)
            {
                var end = start + (long)Window.TotalMilliseconds;
                var inWindow = attempts.Where(a => a.StartMs >= start && a.StartMs < end).ToList();
                if (inWindow.Any(a => a.Status == 201) && inWindow.Count(Definite) >= 0.99 * inWindow.Count)
                {
                    // Not the window's start: while clients wait out timeouts few requests are sent, and an empty
                    // stretch proves nothing. Recovery is the first request of the window that was acknowledged.
                    rto = (inWindow.Where(a => a.Status == 201).Min(a => a.StartMs) - faultAtMs) / 1000.0;
                    break;
                }
            }

            firstSuccess = attempts.Where(a => a.StartMs > firstFailure && a.Status == 201).Select(a => (double?)(a.EndMs - faultAtMs) / 1000).Min();
        }

        var seconds = new List<BankSecond>();
        var from = (int)Math.Floor((attempts.FirstOrDefault()?.StartMs - faultAtMs ?? 0) / 1000.0);
        var to = (int)Math.Ceiling((attempts.LastOrDefault()?.EndMs - faultAtMs ?? 0) / 1000.0);
        var bySecond = attempts.ToLookup(a => (int)Math.Floor((a.StartMs - faultAtMs) / 1000.0));
        var acksBySecond = records.Where(r => r.Kind == "end" && r.Outcome == "ack").ToLookup(r => (int)Math.Floor((r.EndMs - faultAtMs) / 1000.0));
        for (var s = Math.Max(from, -10); s <= to; s++)
        {
            var latencies = acksBySecond[s].Select(r => (double)(r.EndMs - r.StartMs)).Order().ToList();
            seconds.Add(new BankSecond(s, bySecond[s].Count(), acksBySecond[s].Count(), bySecond[s].Count(a => !Definite(a)),
                Percentile(latencies, 0.5), Percentile(latencies, 0.99)));
        }

        return new BankTimeline(seconds, rto, firstSuccess, failures.Count);
    }

    /// <summary>Plots acknowledged transfers and failed attempts per second (left axis) and p99 latency (right axis) as PNG.</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="marks">Vertical lines: seconds from the fault and their labels (fault, heal, switchover...).</param>
    public void Plot(string path, IReadOnlyList<(double Second, string Label)> marks)
    {
        var plot = new ScottPlot.Plot();
        double[] x = [.. Seconds.Select(s => (double)s.Second)];
        var acks = plot.Add.Scatter(x, Seconds.Select(s => (double)s.Acknowledged).ToArray());
        acks.LegendText = "transfers acknowledged / s";
        var errors = plot.Add.Scatter(x, Seconds.Select(s => (double)s.FailedAttempts).ToArray());
        errors.LegendText = "failed attempts / s (503, timeout, connection)";
        var p99 = plot.Add.Scatter(x, Seconds.Select(s => s.P99Ms).ToArray());
        p99.LegendText = "p99 latency of acknowledged transfers (ms)";
        p99.Axes.YAxis = plot.Axes.Right;
        foreach (var (second, label) in marks)
        {
            var line = plot.Add.VerticalLine(second);
            line.Text = label;
            line.LabelOppositeAxis = true;
        }

        if (RtoSeconds is { } rto)
        {
            var window = plot.Add.HorizontalSpan(rto, rto + Window.TotalSeconds);
            window.LegendText = $"first 5 s window with ≥ 99 % success (RTO {rto:0.0} s)";
            window.FillStyle.Color = ScottPlot.Colors.Green.WithAlpha(0.15);
        }

        plot.Axes.Bottom.Label.Text = "seconds from the fault";
        plot.Axes.Left.Label.Text = "per second";
        plot.Axes.Right.Label.Text = "latency (ms)";
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.SavePng(path, 1200, 500);
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
