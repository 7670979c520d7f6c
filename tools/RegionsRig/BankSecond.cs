namespace MultiCloud.RegionsRig;

/// <summary>One second of the bank workload.</summary>
/// <param name="Second">Seconds from the fault (negative: before it).</param>
/// <param name="Attempts">Transfer attempts sent in this second.</param>
/// <param name="Acknowledged">Transfers acknowledged (201) in this second.</param>
/// <param name="FailedAttempts">Attempts sent in this second that failed (503, timeout, connection error).</param>
/// <param name="P50Ms">Median latency (ms) of the transfers acknowledged in this second, first send to answer.</param>
/// <param name="P99Ms">99th percentile of the same.</param>
public sealed record BankSecond(int Second, int Attempts, int Acknowledged, int FailedAttempts, double P50Ms, double P99Ms);
