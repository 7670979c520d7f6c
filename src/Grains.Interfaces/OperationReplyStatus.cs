namespace MultiCloud.Grains.Interfaces;

/// <summary>How an <see cref="ILedgerOperationGrain"/> answered a request.</summary>
public enum OperationReplyStatus
{
    /// <summary>The operation has its final result (succeeded or refused); see <see cref="OperationReply.Result"/>.</summary>
    Completed = 1,

    /// <summary>An earlier request with the same key is still executing; nothing was started by this one.</summary>
    InFlight = 2,

    /// <summary>The key was already used with a different command; nothing was applied by this request.</summary>
    KeyReused = 3,

    /// <summary>
    /// The operation was accepted but its outcome is not known yet (storage or a silo failed mid-way). It will be
    /// finished by a retry with the same key or by the maintenance job; it is never reported as success or failure
    /// until then.
    /// </summary>
    OutcomeUnknown = 4,

    /// <summary>Nothing was recorded and nothing applied (storage failed before the operation was accepted).</summary>
    NotApplied = 5,
}
