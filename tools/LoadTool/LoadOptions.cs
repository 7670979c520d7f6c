namespace MultiCloud.LoadTool;

/// <summary>What one load run does. Amounts are minor currency units; durations are wall-clock.</summary>
public sealed record LoadOptions
{
    /// <summary>Base URL of the API (the service, or the bare Kestrel baseline in read-only mode).</summary>
    public Uri Target { get; init; } = new("http://127.0.0.1:8080");

    /// <summary>Accounts opened and funded before the main phase. Default 10,000.</summary>
    public int Accounts { get; init; } = 10_000;

    /// <summary>Transfers in the main phase. Default 100,000.</summary>
    public int Transfers { get; init; } = 100_000;

    /// <summary>Requests in flight at once. Default 32.</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>Fraction of main-phase operations that are balance reads (0 to 0.99). Default 0.2.</summary>
    public double ReadRatio { get; init; } = 0.2;

    /// <summary>Balance each account is funded with. Default 1,000,000.</summary>
    public long InitialBalance { get; init; } = 1_000_000;

    /// <summary>Largest transfer amount (amounts are uniform in 1..this). Default 100.</summary>
    public long MaxTransferAmount { get; init; } = 100;

    /// <summary>ISO 4217 code of every account. Default EUR.</summary>
    public string Currency { get; init; } = "EUR";

    /// <summary>Random seed (account pairs, amounts, operation mix).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Attempts per request on transient errors (503, in-flight 409, timeouts, connection errors). Default 8.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>Timeout of one HTTP request. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Only balance reads, no transfers and no verification (the read-path benchmark). </summary>
    public bool ReadOnly { get; init; }

    /// <summary>In read-only mode: the number of reads. Default 100,000.</summary>
    public int Reads { get; init; } = 100_000;

    /// <summary>In read-only mode: skip opening accounts and read random ids (the bare Kestrel baseline knows no accounts).</summary>
    public bool SkipSetup { get; init; }

    /// <summary>Check the ledger after the run (conservation, exactly-once history, reconciliation, replays). Default on.</summary>
    public bool Verify { get; init; } = true;

    /// <summary>Where to write the JSON report; none when null.</summary>
    public string? ReportPath { get; init; }

    /// <summary>Where to write the latency/throughput plot (.png or .svg); none when null.</summary>
    public string? PlotPath { get; init; }

    /// <summary>A name for the run, used in keys (so reruns against one database do not collide) and in the report.</summary>
    public string RunId { get; init; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>A shell command run between the setup and the main phase (e.g. resetting database statistics); none when null.</summary>
    public string? BeforeMain { get; init; }

    /// <summary>A shell command run right after the main phase, before verification (e.g. reading CPU counters); none when null.</summary>
    public string? AfterMain { get; init; }

    /// <summary>
    /// In-process counterpart of <see cref="AfterMain"/>: called with the run's account ids right after the main phase
    /// (tests use it to tamper with the ledger and check that the checker notices). Not on the command line.
    /// </summary>
    public Func<IReadOnlyList<Guid>, CancellationToken, Task>? AfterMainCallback { get; init; }

    /// <summary>Show a live progress display (off when output is redirected or in tests).</summary>
    public bool Live { get; init; } = true;
}
