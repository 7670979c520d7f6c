namespace MultiCloud.Workload;

/// <summary>The outcomes of an <c>end</c> <see cref="HistoryEvent"/> (its <c>outcome</c> field).</summary>
public static class OutcomeKind
{
    /// <summary>Acknowledged (201): the transfer must be in the ledger exactly once.</summary>
    public const string Acknowledged = "ack";

    /// <summary>A definite refusal (4xx other than an in-flight key): nothing may be applied.</summary>
    public const string Failed = "failed";

    /// <summary>No definite answer before the client gave up: applied once or not at all, never half.</summary>
    public const string Unknown = "unknown";
}
