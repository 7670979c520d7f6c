using MultiCloud.Grains.Interfaces;

namespace MultiCloud.Grains.State;

/// <summary>
/// Persisted state of a ledger operation (one idempotency key). Serialized as JSON; the PostgreSQL write function
/// projects it into <c>ledger.operations</c> and, for transfers, <c>ledger.transfers</c>.
/// </summary>
[GenerateSerializer]
public sealed class LedgerOperationState
{
    /// <summary>The idempotency key (the grain key).</summary>
    [Id(0)] public string IdempotencyKey { get; set; } = string.Empty;

    /// <summary>The operation id: the new account id, the entries' operation id, or the transfer id.</summary>
    [Id(1)] public Guid OperationId { get; set; }

    /// <summary>The command as first received; a retry must carry an equal one.</summary>
    [Id(2)] public LedgerCommand? Command { get; set; }

    /// <summary>Durable progress.</summary>
    [Id(3)] public OperationStatus Status { get; set; }

    /// <summary>The final result, once <see cref="Status"/> is completed.</summary>
    [Id(4)] public LedgerOperationResult? Result { get; set; }

    /// <summary>When the operation was first accepted (UTC).</summary>
    [Id(5)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it completed (UTC).</summary>
    [Id(6)] public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>For transfers: the transfer record as of this state (pending, completed or rejected).</summary>
    [Id(7)] public TransferSnapshot? Transfer { get; set; }

    /// <summary>For a transfer being reversed: why its credit was refused.</summary>
    [Id(8)] public LedgerError? ReversalReason { get; set; }
}
