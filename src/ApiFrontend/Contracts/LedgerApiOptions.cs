using System.ComponentModel.DataAnnotations;

namespace MultiCloud.ApiFrontend.Contracts;

/// <summary>Limits of the HTTP front end, bound from the <c>Api</c> configuration section.</summary>
public sealed class LedgerApiOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Api";

    /// <summary>Largest request body accepted, in bytes (413 above it). Default 16 KiB; ledger requests are well under 1 KiB.</summary>
    [Range(256, 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024;

    /// <summary>Longest a readiness probe waits for the cluster and its storage, in milliseconds. Default 3000.</summary>
    [Range(100, 60_000)]
    public int ReadinessTimeoutMs { get; set; } = 3000;

    /// <summary>
    /// Longest the API waits for the cluster before it answers a ledger request itself, in milliseconds: 503, with
    /// "outcome unknown" for a mutating request (retry it with the same <c>Idempotency-Key</c>). Set it below the
    /// front door's per-try timeout, so that a front end whose grain calls hang (a silo that vanished and is not yet
    /// declared dead) looks alive but unavailable rather than vanished, and the front door retries in the same
    /// region instead of ejecting it. The grain call itself goes on until Orleans's response timeout. Default 10,000.
    /// </summary>
    [Range(100, 300_000)]
    public int AnswerTimeoutMs { get; set; } = 10_000;

    /// <summary>Seconds sent in <c>Retry-After</c> with 503 answers. Default 1.</summary>
    [Range(1, 300)]
    public int RetryAfterSeconds { get; set; } = 1;
}
