namespace MultiCloud.Workload;

/// <summary>
/// The ledger as one read saw it, whatever read it: SQL rows on a server (the drills), the public API (the load tool),
/// or plain rows keyed by idempotency key (the SQL drill, which moves no money).
/// </summary>
/// <param name="Transfers">Every transfer (or row) in the ledger.</param>
/// <param name="Balances">Balances by account (minor units); null when the snapshot holds no money (SQL drill).</param>
/// <param name="Entries">Every entry of the checked accounts; null when the snapshot holds no money.</param>
/// <param name="Fingerprint">A digest equal on two copies exactly when they hold the same rows; null when not computed.</param>
public sealed record LedgerSnapshot(
    IReadOnlyList<SnapshotTransfer> Transfers,
    IReadOnlyDictionary<Guid, long>? Balances,
    IReadOnlyList<SnapshotEntry>? Entries,
    string? Fingerprint = null)
{
    /// <summary>True when balances and entries were read, so money invariants apply.</summary>
    public bool HoldsMoney => Balances is not null && Entries is not null;

    /// <summary>True when every transfer carries its idempotency key (matched by key, not by the answered id).</summary>
    public bool KeysKnown => Transfers.All(t => t.Key is not null);
}
