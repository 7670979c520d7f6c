namespace MultiCloud.Grains.Interfaces;

/// <summary>One difference found by reconciliation.</summary>
/// <param name="AccountId">The account concerned, if any.</param>
/// <param name="TransferId">The transfer concerned, if any.</param>
/// <param name="Reason">What does not add up, with the figures.</param>
[GenerateSerializer, Immutable]
public sealed record ReconciliationIssue(
    [property: Id(0)] Guid? AccountId,
    [property: Id(1)] Guid? TransferId,
    [property: Id(2)] string Reason);
