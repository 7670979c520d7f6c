using System.Text.Json.Serialization;
using MultiCloud.Grains.Interfaces;

namespace MultiCloud.Grains.State;

/// <summary>
/// Persisted state of an account grain. Serialized as JSON; the PostgreSQL write function reads <c>id</c>, <c>owner</c>,
/// <c>currency</c>, <c>balance</c>, <c>lastSequence</c>, <c>openedAt</c> and <c>newEntries</c> from it.
/// </summary>
[GenerateSerializer]
public sealed class AccountState
{
    /// <summary>The account id (equals the grain key once opened).</summary>
    [Id(0)] public Guid Id { get; set; }

    /// <summary>The owner's name.</summary>
    [Id(1)] public string Owner { get; set; } = string.Empty;

    /// <summary>ISO 4217 code.</summary>
    [Id(2)] public string Currency { get; set; } = string.Empty;

    /// <summary>Balance in minor currency units.</summary>
    [Id(3)] public long Balance { get; set; }

    /// <summary>Sequence number of the newest entry; 0 when there is none.</summary>
    [Id(4)] public long LastSequence { get; set; }

    /// <summary>When the account was opened (UTC).</summary>
    [Id(5)] public DateTimeOffset OpenedAt { get; set; }

    /// <summary>The operation that opened the account; <see cref="Guid.Empty"/> while the account does not exist.</summary>
    [Id(6)] public Guid OpenedBy { get; set; }

    /// <summary>
    /// Entries appended since the previous successful write. The storage write projects exactly these into the
    /// <c>ledger.entries</c> table in the same transaction as the state itself; the grain empties the list after
    /// every successful write and on activation.
    /// </summary>
    [Id(7)] public List<LedgerEntry> NewEntries { get; set; } = [];

    /// <summary>True once the account was opened.</summary>
    [JsonIgnore]
    public bool IsOpen => OpenedBy != Guid.Empty;

    /// <summary>The account as a contract snapshot.</summary>
    public AccountSnapshot ToSnapshot() => new(Id, Owner, Currency, Balance, LastSequence, OpenedAt);
}
