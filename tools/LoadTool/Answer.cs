namespace MultiCloud.LoadTool;

/// <summary>The final answer to one request after retries.</summary>
/// <param name="Status">HTTP status code, or 0 when no definite answer came (every attempt failed transiently).</param>
/// <param name="Body">The response body (UTF-8 JSON), empty when none.</param>
/// <param name="Replayed">True when the response carried <c>Idempotent-Replayed: true</c>.</param>
/// <param name="Attempts">How many attempts it took.</param>
public sealed record Answer(int Status, byte[] Body, bool Replayed, int Attempts)
{
    /// <summary>True when a definite answer came (not 0 and not a transient 5xx).</summary>
    public bool IsDefinite => Status is > 0 and < 500;
}
