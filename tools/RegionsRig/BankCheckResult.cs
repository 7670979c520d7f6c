namespace MultiCloud.RegionsRig;

/// <summary>What the bank checker found after a drill (counts of transfers unless said otherwise).</summary>
/// <param name="Attempted">Transfers the clients began.</param>
/// <param name="Acknowledged">Answered 201 to the client.</param>
/// <param name="Failed">Answered with a definite refusal (4xx other than in-flight), e.g. insufficient funds.</param>
/// <param name="Unknown">No definite answer before the client's deadline; resolved afterwards by retrying the key.</param>
/// <param name="UnknownApplied">Of the unknown ones, how many turned out applied.</param>
/// <param name="AcknowledgedLost">Acknowledged but not in the ledger exactly once on each side (must be 0).</param>
/// <param name="FailedApplied">Refused but money moved (must be 0).</param>
/// <param name="KeysAppliedTwice">Idempotency keys with more than one transfer or more than one entry per side (must be 0).</param>
/// <param name="Reads">Balance reads answered 200.</param>
/// <param name="ReadsBackwards">Reads that saw an older sequence than an earlier read of the same client (must be 0).</param>
/// <param name="Diverged">Whether the standby's ledger differs from the primary's once it replayed everything.</param>
/// <param name="Violations">Every invariant that does not hold; empty when all hold.</param>
public sealed record BankCheckResult(
    int Attempted, int Acknowledged, int Failed, int Unknown, int UnknownApplied, int AcknowledgedLost, int FailedApplied, int KeysAppliedTwice,
    int Reads, int ReadsBackwards, bool Diverged, IReadOnlyList<string> Violations);
