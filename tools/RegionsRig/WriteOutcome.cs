using System.Text.Json.Serialization;

namespace MultiCloud.RegionsRig;

/// <summary>One line of a writer's log: an attempt starting, or its outcome.</summary>
/// <param name="Writer">Writer name (its region key).</param>
/// <param name="Seq">Attempt number of that writer, from 1.</param>
/// <param name="Id">The row id the attempt inserts (unique across writers).</param>
/// <param name="Phase"><c>begin</c> before sending, <c>end</c> with the outcome.</param>
/// <param name="Outcome">For <c>end</c>: <c>ack</c> (the commit was acknowledged), <c>failed</c> (a definite failure: nothing was committed), <c>unknown</c>.</param>
/// <param name="AtMs">Unix time in milliseconds when the line was written.</param>
/// <param name="Server">The host the writer was connected to, when known.</param>
/// <param name="Error">What went wrong, for failed and unknown outcomes.</param>
public sealed record WriteOutcome(
    [property: JsonPropertyName("writer")] string Writer,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("outcome")] string? Outcome,
    [property: JsonPropertyName("atMs")] long AtMs,
    [property: JsonPropertyName("server")] string? Server,
    [property: JsonPropertyName("error")] string? Error);
