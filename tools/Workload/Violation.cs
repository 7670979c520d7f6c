namespace MultiCloud.Workload;

/// <summary>One invariant that does not hold, with the evidence.</summary>
/// <param name="Invariant">The invariant broken.</param>
/// <param name="Detail">What was seen (keys, accounts, figures).</param>
public sealed record Violation(Invariant Invariant, string Detail)
{
    /// <summary>The invariant's name, then the evidence.</summary>
    public override string ToString() => $"{Invariant}: {Detail}";
}
