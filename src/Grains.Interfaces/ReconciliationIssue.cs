namespace MultiCloud.Grains.Interfaces;

/// <summary>One difference found by reconciliation.</summary>
/// <param name="AccountId">The account concerned, if any.</param>
/// <param name="TransferId">The transfer concerned, if any.</param>
/// <param name="Reason">What does not add up, with the figures.</param>
/// <param name="Invariant">The rule broken, one of <see cref="ReconciliationInvariant"/>'s names.</param>
[GenerateSerializer, Immutable]
public sealed record ReconciliationIssue(
    [property: Id(0)] Guid? AccountId,
    [property: Id(1)] Guid? TransferId,
    [property: Id(2)] string Reason,
    [property: Id(3)] string Invariant);
