using System.Text.Json.Serialization;

namespace MultiCloud.Workload;

/// <summary>
/// One line of a workload history (JSON lines, one file per client process, or built in memory by the load tool).
/// Kinds (<see cref="EventKind"/>):
/// <list type="bullet">
/// <item><c>begin</c>: a transfer is about to be sent for the first time (key, accounts, amount);</item>
/// <item><c>attempt</c>: one HTTP attempt of it ended (status 0 for a timeout or a connection error);</item>
/// <item><c>end</c>: its outcome (<see cref="OutcomeKind"/>): <c>ack</c> (201), <c>failed</c> (a definite refusal, e.g.
/// 409 insufficient funds: nothing may be applied), <c>unknown</c> (no definite answer before the client's deadline);</item>
/// <item><c>read</c>: a balance read that answered 200 (balance and the account's last entry sequence);</item>
/// <item><c>retry</c>: the checker's retry, with the same idempotency key, of a transfer whose outcome was unknown;</item>
/// <item><c>replay</c>: the checker's replay of an answered transfer with its key (the answer must be identical).</item>
/// </list>
/// </summary>
/// <param name="Kind">One of <see cref="EventKind"/>'s values.</param>
/// <param name="Client">Client process name (e.g. <c>a</c> for the one in region A; <c>checker</c> for retries).</param>
/// <param name="Worker">Worker within the client; a worker issues one request at a time.</param>
/// <param name="Key">The transfer's idempotency key (transfers, retries and replays).</param>
/// <param name="From">Source account (transfers) or the account read.</param>
/// <param name="To">Destination account (transfers only).</param>
/// <param name="Amount">Minor currency units (transfers only).</param>
/// <param name="StartMs">Unix time (ms) the request (or attempt) was sent.</param>
/// <param name="EndMs">Unix time (ms) its answer arrived or it was given up.</param>
/// <param name="Status">HTTP status of the attempt or of the final answer; 0 when there was none.</param>
/// <param name="Outcome">For <c>end</c>: one of <see cref="OutcomeKind"/>'s values.</param>
/// <param name="Target">The front end the attempt was sent to (e.g. <c>silo-b1</c>).</param>
/// <param name="TransferId">The transfer's id from the answer (201, or a refusal's problem <c>transferId</c>).</param>
/// <param name="Sequence">For <c>read</c>: the account's last entry sequence in the answer.</param>
/// <param name="Balance">For <c>read</c>: the balance in minor units.</param>
/// <param name="Error">Problem type or exception of a failed attempt.</param>
/// <param name="BodyHash">Hex SHA-256 of the answer's body (<c>end</c> and <c>replay</c>, when the client kept it).</param>
/// <param name="Replayed">For <c>replay</c>: whether the answer carried <c>Idempotent-Replayed: true</c>.</param>
public sealed record HistoryEvent(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("client")] string Client,
    [property: JsonPropertyName("worker")] int Worker,
    [property: JsonPropertyName("key"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key,
    [property: JsonPropertyName("from")] Guid From,
    [property: JsonPropertyName("to")] Guid To,
    [property: JsonPropertyName("amount")] long Amount,
    [property: JsonPropertyName("startMs")] long StartMs,
    [property: JsonPropertyName("endMs")] long EndMs,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("outcome"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Outcome,
    [property: JsonPropertyName("target"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Target,
    [property: JsonPropertyName("transferId")] Guid TransferId,
    [property: JsonPropertyName("sequence")] long Sequence,
    [property: JsonPropertyName("balance")] long Balance,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonPropertyName("bodyHash"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BodyHash = null,
    [property: JsonPropertyName("replayed"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Replayed = false)
{
    /// <summary>
    /// A definite answer: a status below 500 other than 0, and not a 409 saying the key is still executing (a 5xx, no
    /// answer or an in-flight key leaves the outcome unknown).
    /// </summary>
    public bool IsDefinite => Status is > 0 and < 500 && !(Status == 409 && Error?.Contains("in-flight", StringComparison.Ordinal) == true);
}
