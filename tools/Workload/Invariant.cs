namespace MultiCloud.Workload;

/// <summary>The invariants the <see cref="HistoryChecker"/> checks; every <see cref="Violation"/> names one.</summary>
public enum Invariant
{
    /// <summary>An acknowledged transfer is in the ledger exactly once: one transfer, one debit of its amount on its
    /// source, one credit on its destination, with the id the client was answered with.</summary>
    AcknowledgedAppliedOnce,

    /// <summary>A transfer answered with a definite refusal moved no money.</summary>
    RefusedNeverApplied,

    /// <summary>An idempotency key maps to at most one transfer with at most one entry per side.</summary>
    KeyAppliedOnce,

    /// <summary>A transfer whose outcome stayed unknown is applied once or not at all, never half.</summary>
    NeverHalfApplied,

    /// <summary>Every transfer in the ledger was begun by some client of the history.</summary>
    NoUnattemptedTransfer,

    /// <summary>Every answer in the history (attempt, end, retry, replay) belongs to a request some client began, and a
    /// key is begun for one transfer only: an answer without its request would keep a transfer out of every other
    /// check.</summary>
    HistoryWellFormed,

    /// <summary>Every outcome left unknown by a client got a definite answer when the checker retried its key.</summary>
    OutcomesResolved,

    /// <summary>The answer to a retry of an unknown outcome agrees with the ledger: 201 means applied once with that
    /// id, a definite refusal means nothing moved.</summary>
    RetryAnswersConsistent,

    /// <summary>Replaying an answered request with its key answers the same status and body, marked replayed.</summary>
    ReplaysIdentical,

    /// <summary>The checked accounts' balances sum to the money the workload funded them with.</summary>
    MoneyConserved,

    /// <summary>No checked account is missing or has a negative balance.</summary>
    NoNegativeBalance,

    /// <summary>An account's entries are numbered 1..n without gaps and sum to its balance.</summary>
    EntriesReconcile,

    /// <summary>A client never reads an account at a lower sequence than a read of its own that had already returned.</summary>
    ReadsMonotonic,

    /// <summary>The standby holds the same ledger as the primary once it has replayed everything.</summary>
    CopiesIdentical,

    /// <summary>No transfer is still pending once the cluster has recovered.</summary>
    NothingPending,

    /// <summary>The service's own reconciliation (<c>GET /ledger/reconcile</c>) reports no issue.</summary>
    ServiceReconciliationClean,
}
