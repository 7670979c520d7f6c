namespace MultiCloud.Grains.Interfaces;

/// <summary>The answer of <see cref="ILedgerOperationGrain.ExecuteAsync"/>.</summary>
/// <param name="Status">Completed, in flight, key reused, outcome unknown, or not applied.</param>
/// <param name="Result">The stored final result when <paramref name="Status"/> is completed; otherwise null.</param>
/// <param name="Replayed">True when the result was stored by an earlier request with the same key.</param>
/// <param name="Detail">For statuses other than completed: a sentence saying what happened.</param>
[GenerateSerializer, Immutable]
public sealed record OperationReply(
    [property: Id(0)] OperationReplyStatus Status,
    [property: Id(1)] LedgerOperationResult? Result,
    [property: Id(2)] bool Replayed,
    [property: Id(3)] string? Detail);
