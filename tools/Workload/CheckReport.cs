namespace MultiCloud.Workload;

/// <summary>What the <see cref="HistoryChecker"/> found (counts of transfers unless said otherwise).</summary>
/// <param name="Attempted">Transfers the clients began.</param>
/// <param name="Acknowledged">Answered 201 to the client.</param>
/// <param name="Refused">Answered with a definite refusal.</param>
/// <param name="Unknown">No definite answer to the client (retried by the checker afterwards).</param>
/// <param name="UnknownApplied">Of the unknown ones, how many are applied in the ledger.</param>
/// <param name="Reads">Balance reads in the history.</param>
/// <param name="Replays">Replays the checker sent.</param>
/// <param name="Violations">Every invariant that does not hold, each with its evidence; empty when all hold.</param>
public sealed record CheckReport(
    int Attempted, int Acknowledged, int Refused, int Unknown, int UnknownApplied, int Reads, int Replays, IReadOnlyList<Violation> Violations)
{
    /// <summary>True when no invariant is broken.</summary>
    public bool Passed => Violations.Count == 0;

    /// <summary>How many violations name <paramref name="invariant"/>.</summary>
    public int Count(Invariant invariant) => Violations.Count(v => v.Invariant == invariant);
}
