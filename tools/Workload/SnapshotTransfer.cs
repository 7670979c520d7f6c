namespace MultiCloud.Workload;

/// <summary>One transfer (or, for the SQL drill, one row) in a <see cref="LedgerSnapshot"/>.</summary>
/// <param name="Id">The transfer's id (<see cref="Guid.Empty"/> for a plain row).</param>
/// <param name="Key">Its idempotency key, when the reader sees keys (SQL); null through the API.</param>
/// <param name="Status">Its status as stored (<c>pending</c>, <c>completed</c>, <c>rejected</c>), or <c>row</c>.</param>
public sealed record SnapshotTransfer(Guid Id, string? Key, string Status);
