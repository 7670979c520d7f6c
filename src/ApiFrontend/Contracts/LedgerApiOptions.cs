using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace MultiCloud.ApiFrontend.Contracts;

/// <summary>Limits of the HTTP front end, bound from the <c>Api</c> configuration section.</summary>
public sealed class LedgerApiOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Api";

    /// <summary>Largest request body accepted, in bytes (413 above it). Default 16 KiB; ledger requests are well under 1 KiB.</summary>
    [Range(256, 1024 * 1024, ErrorMessage = "Api:MaxRequestBodyBytes must be between 256 and 1048576 bytes.")]
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024;

    /// <summary>Longest a readiness probe waits for the cluster and its storage. Default 3 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "Api:ReadinessTimeout must be between 100 ms and 1 minute.")]
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Longest the API waits for the cluster before it answers a ledger request itself: 503, with "outcome unknown" for
    /// a mutating request (retry it with the same <c>Idempotency-Key</c>). Set it below the front door's per-try
    /// timeout, so that a front end whose grain calls hang (a silo that vanished and is not yet declared dead) looks
    /// alive but unavailable rather than vanished, and the front door retries in the same region instead of ejecting
    /// it. The grain call itself goes on until Orleans's response timeout. Default 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "Api:AnswerTimeout must be between 100 ms and 5 minutes.")]
    public TimeSpan AnswerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>What 503 answers send in <c>Retry-After</c> (whole seconds). Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Api:RetryAfter must be between 1 s and 5 minutes.")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The <c>Retry-After</c> header value: <see cref="RetryAfter"/> in whole seconds.</summary>
    public string RetryAfterHeader => ((long)RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryAfter.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(RetryAfter)} must be whole seconds (was {RetryAfter}).", [nameof(RetryAfter)]);
        }
    }
}
