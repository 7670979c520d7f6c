namespace MultiCloud.Workload;

/// <summary>The kinds of <see cref="HistoryEvent"/> (its <c>kind</c> field).</summary>
public static class EventKind
{
    /// <summary>A transfer is sent for the first time.</summary>
    public const string Begin = "begin";

    /// <summary>One attempt of a transfer ended.</summary>
    public const string Attempt = "attempt";

    /// <summary>A transfer's outcome as its client saw it.</summary>
    public const string End = "end";

    /// <summary>A balance read answered 200.</summary>
    public const string Read = "read";

    /// <summary>The checker retried an unknown outcome with its key.</summary>
    public const string Retry = "retry";

    /// <summary>The checker replayed an answered transfer with its key.</summary>
    public const string Replay = "replay";
}
