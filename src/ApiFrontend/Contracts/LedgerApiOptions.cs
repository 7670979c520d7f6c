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

    /// <summary>Seconds sent in <c>Retry-After</c> with 503 answers. Default 1.</summary>
    [Range(1, 300)]
    public int RetryAfterSeconds { get; set; } = 1;
}
