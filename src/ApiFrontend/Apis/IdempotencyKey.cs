namespace MultiCloud.ApiFrontend.Apis;

/// <summary>
/// The <c>Idempotency-Key</c> request header: required on every mutating request. A retry with the same key returns
/// the first answer and applies nothing twice.
/// </summary>
public static class IdempotencyKey
{
    /// <summary>The header name.</summary>
    public const string HeaderName = "Idempotency-Key";

    /// <summary>The response header set (to <c>true</c>) when the answer is a replay of an earlier request's.</summary>
    public const string ReplayedHeaderName = "Idempotent-Replayed";

    /// <summary>Longest key accepted.</summary>
    public const int MaxLength = 128;

    /// <summary>Checks a key: 1 to 128 characters from <c>A-Z a-z 0-9 - _ . :</c> (a UUID fits).</summary>
    /// <param name="key">The header value, or null when absent.</param>
    /// <param name="problem">Why it is not valid.</param>
    /// <returns>True when valid.</returns>
    public static bool IsValid(string? key, out string problem)
    {
        if (string.IsNullOrEmpty(key))
        {
            problem = $"The {HeaderName} header is required on this request: send a unique value (e.g. a UUID) and reuse it on retries.";
            return false;
        }

        if (key.Length > MaxLength || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            problem = $"The {HeaderName} header must be 1 to {MaxLength} characters from A-Z a-z 0-9 - _ . : (got {key.Length} characters).";
            return false;
        }

        problem = string.Empty;
        return true;
    }
}
