namespace MultiCloud.LoadTool;

/// <summary>The outcome of one load run.</summary>
/// <param name="RunId">The run's name.</param>
/// <param name="Target">The API it ran against.</param>
/// <param name="StartedAt">When it started (UTC).</param>
/// <param name="SetupSeconds">Time to open and fund the accounts.</param>
/// <param name="MainSeconds">Time of the main phase (transfers and reads).</param>
/// <param name="Operations">Per kind of request: counts, throughput, latency percentiles, errors.</param>
/// <param name="Verification">What the checker found (null when it did not run).</param>
/// <param name="Timeline">Transfers (or reads, in read-only mode) per second of the main phase.</param>
public sealed record LoadReport(
    string RunId,
    Uri Target,
    DateTimeOffset StartedAt,
    double SetupSeconds,
    double MainSeconds,
    IReadOnlyList<OperationSummary> Operations,
    VerificationResult? Verification,
    IReadOnlyList<TimelinePoint> Timeline)
{
    /// <summary>True when verification ran and found no violation, or did not run and nothing failed.</summary>
    public bool Passed => Verification?.Violations.Count == 0 || (Verification is null && Operations.All(o => o.Failed == 0));
}

/// <summary>One kind of request in a run. Latencies in milliseconds, from the first attempt to the final answer.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Count">Requests sent.</param>
/// <param name="Ok">Requests with a definite answer.</param>
/// <param name="Failed">Requests without one after every attempt.</param>
/// <param name="PerSecond">Definite answers per second over the phase the kind ran in.</param>
/// <param name="P50Ms">Median latency.</param>
/// <param name="P90Ms">90th percentile.</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="MaxMs">Largest.</param>
/// <param name="Errors">Errors by kind, including those a retry recovered from.</param>
public sealed record OperationSummary(
    OperationKind Kind, long Count, long Ok, long Failed, double PerSecond, double P50Ms, double P90Ms, double P99Ms, double MaxMs,
    IReadOnlyDictionary<string, long> Errors);

/// <summary>One second of the main phase.</summary>
/// <param name="Second">Seconds since the main phase started.</param>
/// <param name="Count">Requests finished in that second.</param>
/// <param name="Failed">Of those, without a definite answer.</param>
/// <param name="P50Ms">Median latency of that second.</param>
/// <param name="P99Ms">99th percentile of that second.</param>
public sealed record TimelinePoint(int Second, long Count, long Failed, double P50Ms, double P99Ms);

/// <summary>What the checker verified.</summary>
/// <param name="Acknowledged">Transfers answered 201.</param>
/// <param name="Refused">Transfers refused with a definite answer (insufficient funds).</param>
/// <param name="ResolvedAfterRun">Transfers whose outcome was unknown during the run and was resolved by retrying their key.</param>
/// <param name="ExpectedTotal">Money funded into the accounts.</param>
/// <param name="ObservedTotal">Sum of the balances read back.</param>
/// <param name="EntriesChecked">Ledger entries read back.</param>
/// <param name="ReplaysChecked">Acknowledged keys sent again to check the replay.</param>
/// <param name="Violations">Every invariant that did not hold; empty when all held.</param>
public sealed record VerificationResult(
    long Acknowledged, long Refused, long ResolvedAfterRun, long ExpectedTotal, long ObservedTotal, long EntriesChecked, int ReplaysChecked,
    IReadOnlyList<string> Violations);
